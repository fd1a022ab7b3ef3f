import { z } from 'zod';
import type { AnyHandler } from '../../handlers/handler.ts';

/**
 * What the ranker reads about one tool, whatever it comes from (a ZANTARA handler or an external JSON catalogue):
 * its name, its description, its parameters (names and descriptions) and example requests.
 */
export type ToolDocument = {
  name: string;
  description: string;
  /** Parameter names and their descriptions, flattened. */
  params: string[];
  /** Example requests in natural language (handlers' examples). */
  examples: string[];
};

/** A tool as external catalogues describe it (OpenAI / MCP style). */
export type JsonTool = { name: string; description?: string; parameters?: unknown; examples?: unknown };

/** The document of one ZANTARA handler: key, description, input fields and example descriptions. */
export function documentFromHandler(handler: AnyHandler): ToolDocument {
  let schema: unknown;
  try {
    schema = z.toJSONSchema(handler.input, { io: 'input', unrepresentable: 'any' });
  } catch {
    schema = undefined;
  }
  return {
    name: handler.key,
    description: handler.description,
    params: schemaTexts(schema),
    examples: (handler.examples ?? []).map((e) => e.description),
  };
}

/** The document of a tool from an external JSON catalogue. */
export function documentFromJsonTool(tool: JsonTool): ToolDocument {
  const examples = Array.isArray(tool.examples) ? tool.examples.filter((e): e is string => typeof e === 'string') : [];
  return { name: tool.name, description: tool.description ?? '', params: schemaTexts(tool.parameters), examples };
}

/** Property names, descriptions and enum values of a JSON Schema, depth-first, bounded. */
function schemaTexts(schema: unknown, out: string[] = [], depth = 0): string[] {
  if (!schema || typeof schema !== 'object' || depth > 6 || out.length > 200) return out;
  const node = schema as Record<string, unknown>;
  if (typeof node.description === 'string' && depth > 0) out.push(node.description);
  if (Array.isArray(node.enum)) out.push(node.enum.filter((v) => typeof v === 'string').join(' '));
  if (node.properties && typeof node.properties === 'object') {
    for (const [name, child] of Object.entries(node.properties as Record<string, unknown>)) {
      out.push(name);
      schemaTexts(child, out, depth + 1);
    }
  }
  for (const key of ['items', 'additionalProperties'] as const)
    if (node[key] && typeof node[key] === 'object') schemaTexts(node[key], out, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(node[key])) for (const child of node[key] as unknown[]) schemaTexts(child, out, depth + 1);
  }
  return out;
}
