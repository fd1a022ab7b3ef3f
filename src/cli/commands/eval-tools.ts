import { readFile } from 'node:fs/promises';
import { ZantaraError } from '../../errors.ts';
import { str, type Command } from '../command.ts';
import { evaluateSelection, parseCases } from '../../orchestrator/tool-selection/selection-eval.ts';
import { documentFromJsonTool, type JsonTool } from '../../orchestrator/tool-selection/tool-documents.ts';

/**
 * `zantara eval tools --tools FILE --cases FILE [--k N] [--misses]`: runs ZANTARA's tool selection on any
 * catalogue and prints recall@1, @5 and @k, so selection can be compared on public benchmarks too.
 * Tools: a JSON array of {name, description, parameters} (OpenAI-style {type: "function", function: {...}} also read).
 * Cases: JSONL, one {query, expected: [names]} per line.
 */
export const evalToolsCommand: Command = {
  name: 'eval tools',
  summary: 'Measure tool-selection recall@1/@5/@k on a tool catalogue and JSONL cases',
  options: {
    tools: {
      type: 'string',
      value: 'FILE',
      description: 'JSON array of {name, description, parameters} (OpenAI tools too)',
    },
    cases: { type: 'string', value: 'FILE', description: 'JSONL, one {query, expected: [names]} per line' },
    k: { type: 'string', value: 'N', description: 'Tools offered per query (default 8)' },
    misses: { type: 'boolean', description: 'List the cases whose expected tool was not offered' },
  },
  async run({ values }, io) {
    const options = {
      tools: str(values.tools),
      cases: str(values.cases),
      k: str(values.k),
      misses: values.misses === true,
    };
    if (!options.tools || !options.cases) {
      throw new ZantaraError(
        'usage',
        'Usage: zantara eval tools --tools tools.json --cases cases.jsonl [--k 8] [--misses]',
      );
    }
    const k = options.k === undefined ? 8 : Number(options.k);
    if (!Number.isInteger(k) || k < 1) throw new ZantaraError('usage', '--k must be a positive integer');
    const tools = parseTools(await readText(options.tools), options.tools);
    let cases: ReturnType<typeof parseCases>;
    try {
      cases = parseCases(await readText(options.cases));
    } catch (error) {
      throw new ZantaraError('usage', `${options.cases}: ${(error as Error).message}`);
    }
    const report = evaluateSelection(tools.map(documentFromJsonTool), cases, k);
    const skipped = cases.length - report.cases;
    io.out(
      `Tool selection: ${report.tools} tools, ${report.cases} cases${skipped ? ` (${skipped} without a known expected tool skipped)` : ''}, k = ${k}\n`,
    );
    for (const [label, value] of [
      ['recall@1', report.recallAt1],
      ['recall@5', report.recallAt5],
      [`recall@${k}`, report.recallAtK],
    ] as const) {
      io.out(`  ${label.padEnd(10)}${value.toFixed(3)}\n`);
    }
    io.out(`  misses at k: ${report.misses.length}\n`);
    if (options.misses) {
      for (const miss of report.misses)
        io.out(
          `    ${miss.id ? `${miss.id} ` : ''}"${miss.query}" missing ${miss.missing.join(', ')}; offered ${miss.offered.join(', ') || '(none)'}\n`,
        );
    }
    return 0;
  },
};

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ZantaraError(
      'usage',
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function parseTools(text: string, path: string): JsonTool[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ZantaraError('usage', `${path}: not valid JSON`);
  }
  if (!Array.isArray(parsed))
    throw new ZantaraError('usage', `${path}: expected a JSON array of {name, description, parameters}`);
  return parsed.map((entry, i) => {
    const raw = entry as Record<string, unknown>;
    const tool = (
      raw?.type === 'function' && raw.function && typeof raw.function === 'object' ? raw.function : raw
    ) as Record<string, unknown>;
    if (!tool || typeof tool.name !== 'string' || !tool.name)
      throw new ZantaraError('usage', `${path}: tool ${i + 1} has no "name"`);
    return {
      name: tool.name,
      description: typeof tool.description === 'string' ? tool.description : '',
      parameters: tool.parameters,
      examples: tool.examples,
    };
  });
}
