import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnyHandler } from '../../handlers/handler.ts';
import { documentFromHandler, documentFromJsonTool, type JsonTool, type ToolDocument } from './tool-documents.ts';

export const PLANNED_CATALOGUE_PATH = fileURLToPath(new URL('../../../evals/catalogue.json', import.meta.url));

export type PlannedTool = JsonTool & { effect?: 'read' | 'write' | 'send' };

export function loadPlannedCatalogue(path = PLANNED_CATALOGUE_PATH): PlannedTool[] {
  return JSON.parse(readFileSync(path, 'utf8')) as PlannedTool[];
}

/**
 * The catalogue the evaluation measures selection on: every real handler, plus the planned handlers
 * (`evals/catalogue.json`, keys and descriptions from the issues) that are not registered yet, so the set
 * measures ZANTARA's full catalogue size while real declarations replace planned ones as they land.
 */
export function evaluationCatalogue(
  handlers: readonly AnyHandler[],
  planned: readonly PlannedTool[] = loadPlannedCatalogue(),
): {
  documents: ToolDocument[];
  real: number;
  planned: number;
} {
  const real = handlers.map(documentFromHandler);
  const known = new Set(real.map((d) => d.name));
  const missing = planned.filter((t) => !known.has(t.name)).map(documentFromJsonTool);
  return { documents: [...real, ...missing], real: real.length, planned: missing.length };
}
