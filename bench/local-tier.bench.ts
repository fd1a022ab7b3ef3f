/**
 * `npm run bench:local`: the local tier on the evaluation set (evals/cases.jsonl) with the real handlers on PGlite.
 * Reports the share of knowledge queries answered locally with every expected figure right (figures resolved
 * from the knowledge files), out-of-scope queries answered with facts (must be 0), actions answered (must be 0),
 * and the latency of tryLocalAnswer (p50/p99 over every query, warm, BENCH_ROUNDS rounds; default 20): end to end, and
 * the tier's own time (end to end minus the time spent inside the handlers it calls, measured around registry.call).
 */
import { cpus } from 'node:os';
import { loadKnowledge } from '../src/knowledge/load-knowledge.ts';
import { fileURLToPath } from 'node:url';
import {
  amountsIn,
  loadEvalCases,
  missingFigures,
  resolveFigure,
  unexplainedAmounts,
} from '../src/testing/eval-figures.ts';
import { tryLocalAnswer, type LocalVerdict } from '../src/orchestrator/local-tier/local-tier.ts';
import { percentile } from './bench-stats.ts';
import { openLocalTierBench } from './local-tier-runtime.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 20);

async function main(): Promise<void> {
  const cases = loadEvalCases();
  const kb = loadKnowledge();
  const { rt, principal, handlerMs, close } = await openLocalTierBench();

  const verdicts = new Map<string, LocalVerdict>();
  for (const c of cases) verdicts.set(c.id, await tryLocalAnswer(rt, principal, c.query)); // also warms every path
  const timings: number[] = [];
  const own: number[] = [];
  const byIntent = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      handlerMs.value = 0;
      const t0 = performance.now();
      await tryLocalAnswer(rt, principal, c.query);
      const total = performance.now() - t0;
      timings.push(total);
      own.push(total - handlerMs.value);
      const key = `${c.category}/${c.intent}`;
      byIntent.set(key, [...(byIntent.get(key) ?? []), total]);
    }
  }
  timings.sort((a, b) => a - b);
  own.sort((a, b) => a - b);

  const knowledge = cases.filter((c) => c.category === 'knowledge');
  let answered = 0;
  let answeredRight = 0;
  const wrong: string[] = [];
  const escalated: string[] = [];
  for (const c of knowledge) {
    const v = verdicts.get(c.id)!;
    if (v.status !== 'answered') {
      escalated.push(`${c.id} (${v.reason}) ${c.query}`);
      continue;
    }
    answered++;
    const missing = missingFigures(
      v.response,
      c.figures.map((f) => resolveFigure(f, kb, c.language)),
    );
    const unexplained = unexplainedAmounts(v.response, kb);
    const priceOnRequestWithAmount = c.contact_for_quote && amountsIn(v.response).length > 0;
    if (missing.length || unexplained.length || priceOnRequestWithAmount)
      wrong.push(`${c.id} missing [${missing}] unexplained [${unexplained}]`);
    else answeredRight++;
  }
  const outOfScope = cases.filter((c) => c.category === 'out_of_scope');
  const oosAnswered = outOfScope.filter((c) => verdicts.get(c.id)!.status === 'answered');
  const oosAsOutOfScope = outOfScope.filter((c) => {
    const v = verdicts.get(c.id)!;
    return v.status === 'escalate' && v.reason === 'out_of_scope';
  });
  const actions = cases.filter((c) => c.category === 'action');
  const actionsAnswered = actions.filter((c) => verdicts.get(c.id)!.status === 'answered');

  const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
  console.log(
    `# Local tier — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`,
  );
  console.log(
    `Evaluation set: ${cases.length} queries (${knowledge.length} knowledge, ${actions.length} actions, ${outOfScope.length} out of scope), EN/IT/ID\n`,
  );
  console.log('| metric | value | target |');
  console.log('|---|---|---|');
  console.log(
    `| knowledge queries answered locally | ${answered}/${knowledge.length} (${pct(answered, knowledge.length)}) | ≥ 70% |`,
  );
  console.log(`| … of which with every expected figure right | ${answeredRight}/${answered} | all |`);
  console.log(
    `| answered locally with every figure right, share of knowledge queries | ${pct(answeredRight, knowledge.length)} | ≥ 70% |`,
  );
  console.log(`| out-of-scope queries answered with facts | ${oosAnswered.length}/${outOfScope.length} | 0 |`);
  console.log(
    `| out-of-scope queries escalated as out_of_scope | ${oosAsOutOfScope.length}/${outOfScope.length} | all |`,
  );
  console.log(`| action queries answered locally | ${actionsAnswered.length}/${actions.length} | 0 |`);
  console.log(
    `| tryLocalAnswer latency p50 (all ${cases.length} queries × ${rounds} rounds) | ${percentile(timings, 50).toFixed(3)} ms | |`,
  );
  console.log(`| tryLocalAnswer latency p99 | ${percentile(timings, 99).toFixed(3)} ms | ≤ 5 ms |`);
  console.log(`| tryLocalAnswer latency max | ${timings[timings.length - 1].toFixed(3)} ms | |`);
  console.log(`| local tier's own time p50 (without the handlers' time) | ${percentile(own, 50).toFixed(3)} ms | |`);
  console.log(`| local tier's own time p99 | ${percentile(own, 99).toFixed(3)} ms | ≤ 5 ms |`);
  console.log('\n| kind of query | p50 | p99 |');
  console.log('|---|---|---|');
  for (const [key, list] of [...byIntent].sort()) {
    list.sort((a, b) => a - b);
    console.log(`| ${key} | ${percentile(list, 50).toFixed(3)} ms | ${percentile(list, 99).toFixed(3)} ms |`);
  }
  if (wrong.length) console.log(`\nWrong figures:\n  ${wrong.join('\n  ')}`);
  if (escalated.length) console.log(`\nKnowledge queries escalated:\n  ${escalated.join('\n  ')}`);

  // The held-out set was written after the tier was built and is never used to tune it.
  const holdout = loadEvalCases(fileURLToPath(new URL('../evals/holdout.jsonl', import.meta.url)));
  console.log(`\n## Held-out set (${holdout.length} queries, evals/holdout.jsonl)\n`);
  console.log('| category | answered locally | with every figure right | escalated as expected |');
  console.log('|---|---|---|---|');
  const notes: string[] = [];
  for (const category of ['knowledge', 'action', 'out_of_scope'] as const) {
    const list = holdout.filter((c) => c.category === category);
    let answeredHere = 0;
    let right = 0;
    let expectedEscalation = 0;
    for (const c of list) {
      const v = await tryLocalAnswer(rt, principal, c.query);
      if (v.status === 'answered') {
        answeredHere++;
        const missing = missingFigures(
          v.response,
          c.figures.map((f) => resolveFigure(f, kb, c.language)),
        );
        const unexplained = unexplainedAmounts(v.response, kb);
        if (!missing.length && !unexplained.length) right++;
        else notes.push(`${c.id} "${c.query}": missing [${missing}] unexplained [${unexplained}]`);
        if (category !== 'knowledge') notes.push(`${c.id} "${c.query}" (${category}) was answered locally`);
      } else {
        if (category === 'knowledge') notes.push(`${c.id} "${c.query}" escalated (${v.reason})`);
        if ((category === 'out_of_scope' && v.reason === 'out_of_scope') || category === 'action') expectedEscalation++;
        else if (category !== 'knowledge') notes.push(`${c.id} "${c.query}" escalated as ${v.reason}`);
      }
    }
    console.log(
      `| ${category} (${list.length}) | ${answeredHere} | ${category === 'knowledge' ? right : '–'} | ${category === 'knowledge' ? '–' : expectedEscalation} |`,
    );
  }
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  await close();
}

await main();
