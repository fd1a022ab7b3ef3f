/**
 * `npm run bench:tools`: tool selection on the evaluation set.
 *  - Tool-definition tokens per model request, with selection (k = BENCH_K, default 8, plus the pinned
 *    system.handlers.search) vs all tools the principal may use. Tokens are ESTIMATED as characters / 4 of the JSON
 *    definition a provider receives ({name, description, parameters} with the handler's JSON Schema), the same
 *    estimate for both sides.
 *  - Recall@1/@5/@k of the expected handlers, on the registered catalogue and on the evaluation catalogue (registered
 *    handlers plus the planned ones of evals/catalogue.json not registered yet), for the main and the held-out sets.
 *  - Time to select (p50/p99) and to build the index once.
 */
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { catalog } from '../src/composition/handlers.ts';
import { Registry } from '../src/handlers/registry.ts';
import { toolNameForKey } from '../src/handlers/tool-names.ts';
import type { AnyHandler } from '../src/handlers/handler.ts';
import { loadEvalCases } from '../src/testing/eval-figures.ts';
import { evaluationCatalogue, loadPlannedCatalogue } from '../src/orchestrator/tool-selection/eval-catalogue.ts';
import { LexicalRanker } from '../src/orchestrator/tool-selection/lexical-ranker.ts';
import { evaluateSelection } from '../src/orchestrator/tool-selection/selection-eval.ts';
import { selectTools } from '../src/orchestrator/tool-selection/select-tools.ts';
import { percentile } from './bench-stats.ts';

const k = Number(process.env.BENCH_K ?? 8);
const PINNED = ['system.handlers.search'];
const role = (process.env.BENCH_ROLE ?? 'staff') as 'admin' | 'staff' | 'client';

const tokens = (definition: unknown) => Math.ceil(JSON.stringify(definition).length / 4);

function main(): void {
  const cases = loadEvalCases();
  const holdout = loadEvalCases(fileURLToPath(new URL('../evals/holdout.jsonl', import.meta.url)));
  const registry = new Registry().register(...catalog);
  const allowed: AnyHandler[] = registry.list().filter((h) => h.roles.includes(role) && h.key !== 'ai.chat');
  const definitionTokens = new Map(
    allowed.map((h) => [
      h.key,
      tokens({ name: toolNameForKey(h.key), description: h.description, parameters: registry.paramsSchema(h.key) }),
    ]),
  );
  const allTokens = [...definitionTokens.values()].reduce((a, b) => a + b, 0);

  // The planned catalogue's tools are in it as {name, description, parameters}.
  const planned = loadPlannedCatalogue();
  const evalCatalogue = evaluationCatalogue(allowed, planned);
  const plannedTokens = new Map(
    planned
      .filter((t) => !definitionTokens.has(t.name))
      .map((t) => [
        t.name,
        tokens({ name: t.name.replaceAll('.', '-'), description: t.description, parameters: t.parameters }),
      ]),
  );
  const evalTokens = new Map([...definitionTokens, ...plannedTokens]);
  const evalAllTokens = [...evalTokens.values()].reduce((a, b) => a + b, 0);

  const t0 = performance.now();
  selectTools([...allowed], 'warm-up', { k, pinned: PINNED });
  const buildMs = performance.now() - t0;
  const evalRanker = new LexicalRanker(evalCatalogue.documents);

  const selectedTokens: number[] = [];
  const selectedTokensEval: number[] = [];
  const selectedCounts: number[] = [];
  const timings: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const c of [...cases, ...holdout]) {
      const s0 = performance.now();
      const selected = selectTools(allowed, c.query, { k, pinned: PINNED });
      timings.push(performance.now() - s0);
      if (round > 0) continue;
      selectedCounts.push(selected.length);
      selectedTokens.push(selected.reduce((sum, h) => sum + definitionTokens.get(h.key)!, 0));
      const pinned = PINNED.filter((key) => evalTokens.has(key));
      const ranked = evalRanker
        .rank(c.query, k + pinned.length)
        .map((r) => r.name)
        .filter((name) => !pinned.includes(name))
        .slice(0, k);
      selectedTokensEval.push([...pinned, ...ranked].reduce((sum, name) => sum + evalTokens.get(name)!, 0));
    }
  }
  timings.sort((a, b) => a - b);
  const mean = (list: number[]) => list.reduce((a, b) => a + b, 0) / list.length;

  console.log(
    `# Tool selection — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`,
  );
  console.log(
    `k = ${k} plus pinned ${PINNED.join(', ')}; role ${role}; ${cases.length} + ${holdout.length} (held-out) queries`,
  );
  console.log(
    'Tokens are estimated as ceil(characters / 4) of each JSON tool definition {name, description, parameters}.\n',
  );
  console.log(
    '| catalogue | tools | all-tools tokens / request | with selection (mean) | reduction | tools offered (mean) |',
  );
  console.log('|---|---|---|---|---|---|');
  console.log(
    `| registered handlers (${role}) | ${allowed.length} | ${allTokens} | ${mean(selectedTokens).toFixed(0)} | ${(100 * (1 - mean(selectedTokens) / allTokens)).toFixed(1)}% | ${mean(selectedCounts).toFixed(1)} |`,
  );
  console.log(
    `| evaluation catalogue (registered + planned) | ${evalTokens.size} | ${evalAllTokens} | ${mean(selectedTokensEval).toFixed(0)} | ${(100 * (1 - mean(selectedTokensEval) / evalAllTokens)).toFixed(1)}% | – |`,
  );

  console.log('\n| set | catalogue | cases scored | recall@1 | recall@5 | recall@' + k + ' |');
  console.log('|---|---|---|---|---|---|');
  const registered = evaluationCatalogue(allowed, []).documents;
  const misses: string[] = [];
  for (const [label, set] of [
    ['main', cases],
    ['held-out', holdout],
  ] as const) {
    for (const [catalogueLabel, documents] of [
      ['registered', registered],
      ['registered + planned', evalCatalogue.documents],
    ] as const) {
      const report = evaluateSelection(documents, set, k);
      console.log(
        `| ${label} | ${catalogueLabel} (${documents.length}) | ${report.cases} | ${report.recallAt1.toFixed(3)} | ${report.recallAt5.toFixed(3)} | ${report.recallAtK.toFixed(3)} |`,
      );
      if (catalogueLabel !== 'registered')
        for (const m of report.misses)
          misses.push(
            `${label} ${m.id} "${m.query}" missing ${m.missing}; offered ${m.offered.slice(0, 4).join(', ')}…`,
          );
    }
  }
  console.log(`\n| selectTools timing | value |\n|---|---|`);
  console.log(`| index build (once per handler list, ${allowed.length} handlers) | ${buildMs.toFixed(2)} ms |`);
  console.log(`| select p50 | ${(percentile(timings, 50) * 1000).toFixed(1)} µs |`);
  console.log(`| select p99 | ${(percentile(timings, 99) * 1000).toFixed(1)} µs |`);
  if (misses.length) console.log(`\nMisses at k:\n  ${misses.join('\n  ')}`);
}

main();
