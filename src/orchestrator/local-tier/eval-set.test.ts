/**
 * Runs the evaluation set (evals/cases.jsonl, 210 queries in English, Italian and Indonesian) against the real
 * handlers on PGlite: tool-selection recall, local answers with every figure right (figures resolved from the
 * knowledge files), actions never executed or answered locally, out-of-scope questions never answered with facts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../../auth/principal.ts';
import { loadKnowledge, type KnowledgeData } from '../../knowledge/load-knowledge.ts';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { evaluationCatalogue, loadPlannedCatalogue } from '../tool-selection/eval-catalogue.ts';
import { evaluateSelection } from '../tool-selection/selection-eval.ts';
import {
  amountsIn,
  loadEvalCases,
  missingFigures,
  resolveFigure,
  unexplainedAmounts,
  type EvalCase,
} from '../../testing/eval-figures.ts';
import { tryLocalAnswer, type LocalVerdict } from './local-tier.ts';

const cases = loadEvalCases();
let store: TestStore;
let rt: TestRuntime;
let client: Principal;
let kb: KnowledgeData;
const verdicts = new Map<string, LocalVerdict>();

before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({ store });
  client = (await rt.key('client')).principal;
  kb = loadKnowledge();
  for (const c of cases) verdicts.set(c.id, await tryLocalAnswer(rt, client, c.query));
});
after(async () => {
  await rt?.close();
  await store?.close();
});

const byCategory = (category: EvalCase['category']) => cases.filter((c) => c.category === category);

test('the set has at least 150 queries across the three languages and every figure reference resolves', () => {
  assert.ok(cases.length >= 150, `${cases.length} cases`);
  for (const language of ['en', 'it', 'id'] as const) {
    const mine = cases.filter((c) => c.language === language);
    assert.ok(mine.length >= 50, `${language}: ${mine.length}`);
    for (const category of ['knowledge', 'action', 'out_of_scope'] as const)
      assert.ok(
        mine.some((c) => c.category === category),
        `${language} ${category}`,
      );
  }
  assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, 'ids are unique');
  for (const c of cases)
    for (const ref of c.figures)
      assert.doesNotThrow(() => resolveFigure(ref, kb, c.language), `${c.id}: ${JSON.stringify(ref)}`);
});

test('tool selection offers the expected handlers in the top 8 for at least 95% of the queries', () => {
  const { documents } = evaluationCatalogue(rt.registry.list());
  const known = new Set(documents.map((d) => d.name));
  for (const c of cases)
    for (const key of c.expected) assert.ok(known.has(key), `${c.id}: ${key} is neither registered nor planned`);
  const report = evaluateSelection(documents, cases, 8);
  assert.ok(
    report.recallAtK >= 0.95,
    `recall@8 ${report.recallAtK.toFixed(3)}; misses: ${report.misses.map((m) => `${m.id} ${m.missing}`).join('; ')}`,
  );
});

test('every knowledge answer has every expected figure right, cites last_verified, and shows no amount the price list cannot explain', () => {
  const wrong: string[] = [];
  for (const c of byCategory('knowledge')) {
    const verdict = verdicts.get(c.id)!;
    if (verdict.status !== 'answered') continue;
    const expected = c.figures.map((ref) => resolveFigure(ref, kb, c.language));
    const missing = missingFigures(verdict.response, expected);
    if (missing.length) wrong.push(`${c.id} missing ${missing.join(', ')}`);
    const unexplained = unexplainedAmounts(verdict.response, kb);
    if (unexplained.length) wrong.push(`${c.id} unexplained amounts ${unexplained.join(', ')}`);
    if (c.contact_for_quote && amountsIn(verdict.response).length)
      wrong.push(`${c.id} gives an amount for a price-on-request service`);
    if (!/(last verified|verificato il|terakhir diverifikasi) \d/.test(verdict.response))
      wrong.push(`${c.id} cites no last_verified date`);
  }
  assert.deepEqual(wrong, []);
});

test('most knowledge queries are answered locally, in the language they were asked in, by the expected handler', () => {
  const knowledge = byCategory('knowledge');
  const answered = knowledge.filter((c) => verdicts.get(c.id)!.status === 'answered');
  assert.ok(answered.length / knowledge.length >= 0.7, `answered ${answered.length}/${knowledge.length}`);
  for (const c of answered) {
    const verdict = verdicts.get(c.id) as Extract<LocalVerdict, { status: 'answered' }>;
    assert.equal(verdict.language, c.language, `${c.id} answered in ${verdict.language}`);
    assert.ok(
      verdict.handlers_used.some((key) => c.expected.includes(key)),
      `${c.id} used ${verdict.handlers_used} not ${c.expected}`,
    );
  }
});

test('out-of-scope questions are never answered: they escalate as out_of_scope, with no Bali Zero fact', () => {
  for (const c of byCategory('out_of_scope')) {
    const verdict = verdicts.get(c.id)!;
    assert.equal(verdict.status, 'escalate', `${c.id} "${c.query}" was answered`);
    assert.equal(verdict.status === 'escalate' && verdict.reason, 'out_of_scope', `${c.id} "${c.query}"`);
  }
});

test('actions are never answered locally; writes and sends escalate as actions', () => {
  const registered = new Map(rt.registry.list().map((h) => [h.key, h.effect as string]));
  const planned = new Map(loadPlannedCatalogue().map((t) => [t.name, t.effect ?? 'read']));
  for (const c of byCategory('action')) {
    const verdict = verdicts.get(c.id)!;
    assert.equal(verdict.status, 'escalate', `${c.id} "${c.query}" was answered locally`);
    const effects = c.expected.map((key) => registered.get(key) ?? planned.get(key));
    if (effects.some((e) => e === 'write' || e === 'send')) {
      assert.equal(verdict.status === 'escalate' && verdict.reason, 'action', `${c.id} "${c.query}"`);
    }
  }
});
