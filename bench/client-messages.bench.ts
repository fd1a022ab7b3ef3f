/**
 * `npm run bench:clients`: the local tier on client messages — the tuning set (evals/client-messages.jsonl), the
 * held-out set (evals/client-holdout.jsonl, never tuned on) and the templated out-of-scope messages (two disjoint
 * template groups) — with the real handlers on PGlite. Prints, per set: wrong answers, answerable messages answered
 * right, wrong-language verdicts, out-of-scope messages answered with facts, p50/p99 ms per local answer
 * (BENCH_ROUNDS rounds, default 5). `--list` prints every wrong answer, hand-over and wrong language; `--set tuning`
 * (repeatable) runs only the named sets.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { outOfScopeMessages } from '../evals/out-of-scope-templates.ts';
import { loadKnowledge } from '../src/knowledge/load-knowledge.ts';
import { outOfScopeCases, runClientEval } from '../src/testing/client-eval.ts';
import { tryLocalAnswer } from '../src/orchestrator/local-tier/local-tier.ts';
import {
  CLIENT_CASES_PATH,
  CLIENT_HOLDOUT_2_PATH,
  CLIENT_HOLDOUT_3_PATH,
  CLIENT_HOLDOUT_4_PATH,
  CLIENT_HOLDOUT_5_PATH,
  CLIENT_HOLDOUT_6_PATH,
  CLIENT_HOLDOUT_7_PATH,
  CLIENT_HOLDOUT_PATH,
  loadEvalCases,
} from '../src/testing/eval-figures.ts';
import { percentile } from './bench-stats.ts';
import { openLocalTierBench } from './local-tier-runtime.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const { values: args } = parseArgs({
  options: { list: { type: 'boolean', default: false }, set: { type: 'string', multiple: true } },
});
const list = args.list;
/** `--set tuning` (repeatable) runs only the sets whose name starts with one given: a tuner can stay blind to held-out. */
const chosen = (name: string) => !args.set?.length || args.set.some((s) => name.startsWith(s));

async function main(): Promise<void> {
  const kb = loadKnowledge();
  const { rt, principal, handlerMs, close } = await openLocalTierBench();
  // Start-up (fastText's model, the typo vocabulary, the handlers' indexes) is paid once per process, not per answer.
  await tryLocalAnswer(rt, principal, 'how much is the E33G?');
  const sets = [
    ['tuning', loadEvalCases(CLIENT_CASES_PATH), rounds],
    ['held-out', loadEvalCases(CLIENT_HOLDOUT_PATH), rounds],
    ['held-out 2', loadEvalCases(CLIENT_HOLDOUT_2_PATH), rounds],
    ['held-out 3', loadEvalCases(CLIENT_HOLDOUT_3_PATH), rounds],
    ['held-out 4 (blind)', loadEvalCases(CLIENT_HOLDOUT_4_PATH), rounds],
    ['held-out 5 (blind)', loadEvalCases(CLIENT_HOLDOUT_5_PATH), rounds],
    ['held-out 6 (blind)', loadEvalCases(CLIENT_HOLDOUT_6_PATH), rounds],
    ['held-out 7 (blind, final exam)', loadEvalCases(CLIENT_HOLDOUT_7_PATH), rounds],
    ['out-of-scope templates (tuning)', outOfScopeCases(outOfScopeMessages('tuning')), 1],
    ['out-of-scope templates (held-out)', outOfScopeCases(outOfScopeMessages('holdout')), 1],
  ] as const;
  console.log(
    `# Local tier on client messages — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
      `load average ${loadavg()[0].toFixed(1)}\n`,
  );
  console.log(
    '| set | messages | wrong answers | answerable answered right | wrong language | out of scope answered | p50 / p99 ms per local answer | own p50 / p99 ms | CPU p50 / p99 ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  const details: string[] = [];
  for (const [name, cases, n] of sets.filter(([name]) => chosen(name))) {
    const r = await runClientEval(rt, principal, [...cases], kb, n, handlerMs);
    const oos = cases.filter((c) => c.category === 'out_of_scope').length;
    const right = r.answerable
      ? `${r.answeredRight}/${r.answerable} (${((100 * r.answeredRight) / r.answerable).toFixed(1)}%)`
      : '–';
    const ms = (xs: number[]) =>
      xs.length ? `${percentile(xs, 50).toFixed(2)} / ${percentile(xs, 99).toFixed(2)}` : '–';
    console.log(
      `| ${name} | ${r.cases} | ${r.wrong.length} | ${right} | ${r.wrongLanguage.length} | ${r.outOfScopeAnswered.length}/${oos} | ${ms(r.answerMs)} | ${ms(r.ownMs)} | ${ms(r.cpuMs)} |`,
    );
    if (list)
      details.push(
        `\n## ${name}`,
        ...r.wrong.map((w) => `WRONG ${w}`),
        ...r.wrongLanguage.map((w) => `LANG ${w}`),
        ...r.handedOver.map((h) => `HANDOVER ${h}`),
      );
  }
  if (list) console.log(details.join('\n'));
  await close();
}

await main();
