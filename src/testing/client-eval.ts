/**
 * Scores the local tier on client messages (evals/client-messages.jsonl, evals/client-holdout.jsonl and the templated
 * out-of-scope messages): a local answer is right when it came from an expected handler, in the case's language, with
 * every expected figure, no amount the price list cannot explain and — for a question naming one variant — no other
 * variant of that item. Any other local answer is a wrong answer; hand-overs are never wrong, only unanswered.
 */
import type { Principal } from '../auth/principal.ts';
import type { KnowledgeData } from '../knowledge/load-knowledge.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Language } from '../text/language.ts';
import {
  amountsIn,
  missingFigures,
  otherVariantAmounts,
  resolveFigure,
  unexplainedAmounts,
  type EvalCase,
} from './eval-figures.ts';
import { tryLocalAnswer, type LocalVerdict } from '../orchestrator/local-tier/local-tier.ts';

export type ClientEvalReport = {
  cases: number;
  /** Knowledge cases: the facts can answer them. */
  answerable: number;
  answeredRight: number;
  /** Local answers that are not right (wrong figure, subject, variant or language, or a hand-over/out-of-scope case answered). */
  wrong: string[];
  /** Verdicts (answers and hand-overs) whose language is not the case's. */
  wrongLanguage: string[];
  /** Out-of-scope cases answered with Bali Zero facts (contact card and team list included). */
  outOfScopeAnswered: string[];
  /** Answerable cases handed over. */
  handedOver: string[];
  /** Milliseconds per local answer (tryLocalAnswer, answered cases only, every round). */
  answerMs: number[];
  /** The same minus the time spent inside the handlers it called (the tier's own work), when `handlerMs` is given. */
  ownMs: number[];
  /** CPU milliseconds of the process per local answer (handlers included): unlike wall time, not inflated by other load. */
  cpuMs: number[];
};

/** Whether an answered verdict is right for a knowledge case; the reason when it is not. */
export function judgeAnswer(
  c: EvalCase,
  verdict: Extract<LocalVerdict, { status: 'answered' }>,
  kb: KnowledgeData,
): string | null {
  if (c.category !== 'knowledge') return `a ${c.category} message was answered (${verdict.handlers_used.join(', ')})`;
  if (verdict.language !== c.language) return `answered in ${verdict.language}`;
  if (!verdict.handlers_used.some((key) => c.expected.includes(key)))
    return `answered by ${verdict.handlers_used.join(', ')}, not ${c.expected.join('/')}`;
  const missing = missingFigures(
    verdict.response,
    c.figures.map((f) => resolveFigure(f, kb, c.language)),
  );
  if (missing.length) return `missing ${missing.join(', ')}`;
  const unexplained = unexplainedAmounts(verdict.response, kb);
  if (unexplained.length) return `unexplained amounts ${unexplained.join(', ')}`;
  if (c.contact_for_quote && amountsIn(verdict.response).length) return 'an amount for a price-on-request service';
  const others = otherVariantAmounts(c, kb);
  const shown = new Set(amountsIn(verdict.response));
  const extra = others.filter((a) => shown.has(a));
  if (extra.length) return `the asked-for variant not singled out (also shows ${extra.join(', ')})`;
  return null;
}

/** Runs every case (`rounds` times for the timings) and scores the first run. */
export async function runClientEval(
  runtime: Runtime,
  principal: Principal,
  cases: EvalCase[],
  kb: KnowledgeData,
  rounds = 1,
  handlerMs?: { value: number },
): Promise<ClientEvalReport & { verdicts: Map<string, LocalVerdict> }> {
  const verdicts = new Map<string, LocalVerdict>();
  const answerMs: number[] = [];
  const ownMs: number[] = [];
  const cpuMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      if (handlerMs) handlerMs.value = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const verdict = await tryLocalAnswer(runtime, principal, c.query, { history: c.history ?? [] });
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      if (verdict.status === 'answered') {
        answerMs.push(ms);
        ownMs.push(ms - (handlerMs?.value ?? 0));
        cpuMs.push((cpu.user + cpu.system) / 1000);
      }
      if (round === 0) verdicts.set(c.id, verdict);
    }
  }
  const report: ClientEvalReport = {
    cases: cases.length,
    answerable: 0,
    answeredRight: 0,
    wrong: [],
    wrongLanguage: [],
    outOfScopeAnswered: [],
    handedOver: [],
    answerMs,
    ownMs,
    cpuMs,
  };
  for (const c of cases) {
    const verdict = verdicts.get(c.id)!;
    if (c.category === 'knowledge') report.answerable++;
    if (verdict.language !== c.language)
      report.wrongLanguage.push(`${c.id} ${verdict.status} in ${verdict.language}: ${c.query}`);
    if (verdict.status !== 'answered') {
      if (c.category === 'knowledge') report.handedOver.push(`${c.id} (${verdict.reason}) ${c.query}`);
      continue;
    }
    if (c.category === 'out_of_scope')
      report.outOfScopeAnswered.push(`${c.id} ${c.query} → ${verdict.handlers_used.join(', ')}`);
    const problem = judgeAnswer(c, verdict, kb);
    if (problem) report.wrong.push(`${c.id} ${problem}: ${c.query}`);
    else report.answeredRight++;
  }
  return { ...report, verdicts };
}

/** Out-of-scope template messages as evaluation cases. */
export function outOfScopeCases(
  messages: Array<{ id: string; language: Language; topic: string; query: string }>,
): EvalCase[] {
  return messages.map((m) => ({
    id: m.id,
    language: m.language,
    category: 'out_of_scope',
    intent: m.topic,
    query: m.query,
    expected: [],
    figures: [],
  }));
}
