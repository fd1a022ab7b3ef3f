/**
 * The local tier on client messages (evals/client-messages.jsonl, evals/client-holdout.jsonl, templated
 * out-of-scope messages) with the real handlers on PGlite: what issue 14 asks of it — no wrong answer on the set it
 * was tuned on, most answerable messages answered right on both sets, every verdict in the client's language, and
 * no out-of-scope message answered with Bali Zero facts. Figures are read from the fact files (eval-figures.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../../auth/principal.ts';
import { outOfScopeMessages } from '../../../evals/out-of-scope-templates.ts';
import { loadKnowledge, type KnowledgeData } from '../../knowledge/load-knowledge.ts';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { outOfScopeCases, runClientEval } from '../../testing/client-eval.ts';
import {
  CLIENT_CASES_PATH,
  CLIENT_HOLDOUT_2_PATH,
  CLIENT_HOLDOUT_3_PATH,
  CLIENT_HOLDOUT_PATH,
  loadEvalCases,
  resolveFigure,
} from '../../testing/eval-figures.ts';

let store: TestStore;
let rt: TestRuntime;
let client: Principal;
let kb: KnowledgeData;

before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({ store, env: { ZANTARA_RATE_LIMITS: 'read=100000000/60' } });
  client = (await rt.key('client')).principal;
  kb = loadKnowledge();
});
after(async () => {
  await rt?.close();
  await store?.close();
});

test('every set has every category in the three languages, and every figure reference resolves', () => {
  for (const path of [CLIENT_CASES_PATH, CLIENT_HOLDOUT_PATH, CLIENT_HOLDOUT_2_PATH, CLIENT_HOLDOUT_3_PATH]) {
    const cases = loadEvalCases(path);
    assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, `${path}: ids are unique`);
    for (const language of ['en', 'it', 'id'] as const) {
      for (const category of ['knowledge', 'handover', 'out_of_scope'] as const) {
        assert.ok(
          cases.some((c) => c.language === language && c.category === category),
          `${path}: ${language} ${category}`,
        );
      }
      assert.ok(
        cases.some((c) => c.language === language && c.history?.length),
        `${path}: ${language} follow-ups`,
      );
    }
    for (const c of cases) {
      if (c.category === 'knowledge') assert.ok(c.figures.length > 0, `${c.id} has no figure`);
      for (const ref of c.figures)
        assert.doesNotThrow(() => resolveFigure(ref, kb, c.language), `${c.id}: ${JSON.stringify(ref)}`);
    }
  }
});

test('the tuning set: no wrong answer, at least 90% of answerable messages answered right, every verdict in its language', async () => {
  const r = await runClientEval(rt, client, loadEvalCases(CLIENT_CASES_PATH), kb);
  assert.deepEqual(r.wrong, []);
  assert.deepEqual(r.wrongLanguage, []);
  assert.deepEqual(r.outOfScopeAnswered, []);
  assert.ok(
    r.answeredRight / r.answerable >= 0.9,
    `${r.answeredRight}/${r.answerable}; handed over: ${r.handedOver.join('; ')}`,
  );
});

test('the held-out sets: at least 70% of answerable messages answered right, no out-of-scope answer, every verdict in its language', async () => {
  for (const path of [CLIENT_HOLDOUT_PATH, CLIENT_HOLDOUT_2_PATH]) {
    const r = await runClientEval(rt, client, loadEvalCases(path), kb);
    assert.deepEqual(r.outOfScopeAnswered, [], path);
    assert.deepEqual(r.wrongLanguage, [], path);
    assert.ok(r.answeredRight / r.answerable >= 0.7, `${path}: ${r.answeredRight}/${r.answerable}`);
  }
});

test('templated out-of-scope messages (both groups) are never answered with Bali Zero facts and are handed over in their language', async () => {
  for (const group of ['tuning', 'holdout'] as const) {
    const r = await runClientEval(rt, client, outOfScopeCases(outOfScopeMessages(group)), kb);
    assert.ok(r.cases > 500, `${group}: ${r.cases} messages`);
    assert.deepEqual(r.outOfScopeAnswered, [], group);
    assert.deepEqual(r.wrongLanguage, [], group);
  }
});
