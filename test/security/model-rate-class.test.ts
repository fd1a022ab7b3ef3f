/**
 * Finding 5 of the security review: a handler that can call a model (`rag.query` with ZANTARA_UTILITY_MODEL set)
 * counted as `read` (600/min), so one client key could buy hundreds of model calls through /call/batch. Every handler
 * declared `callsModel` now counts against the `ai` class.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { catalog } from '../../src/composition/handlers.ts';
import { rateClassOf } from '../../src/handlers/registry.ts';
import { createTestStores, type TestStore } from '../../src/testing/test-stores.ts';
import { createTestRuntime } from '../../src/testing/test-runtime.ts';

let stores: TestStore[];
before(async () => {
  stores = await createTestStores();
});
after(async () => {
  for (const store of stores) await store.close();
});

describe('finding 5: model cost is rated as ai', () => {
  test('rag.query through /call/batch stops at the ai limit, not the read limit', async () => {
    for (const store of stores) {
      const rt = await createTestRuntime({
        store,
        env: {
          ZANTARA_RATE_LIMITS: 'read=1000/60,ai=3/60',
          ZANTARA_UTILITY_MODEL: 'llama:m',
          LLAMA_BASE_URL: 'http://127.0.0.1:9/v1',
        },
      });
      try {
        const { key } = await rt.key('client');
        const calls = Array.from({ length: 8 }, (_, i) => ({
          key: 'rag.query',
          params: { question: `What does a PT PMA report? ${i}` },
        }));
        const res = await rt.request('/call/batch', { key, body: { calls } });
        assert.equal(res.status, 200);
        const results = (await res.json()).results as Array<{ ok: boolean; error?: string }>;
        assert.equal(
          results.filter((r) => r.error === 'rate_limited').length,
          5,
          `${store.kind}: ${JSON.stringify(results)}`,
        );
        // Reads that call no model keep their own, larger budget.
        const read = await rt.request('/call', { key, body: { key: 'rag.search', params: { query: 'PT PMA' } } });
        assert.equal(read.status, 200);
      } finally {
        await rt.close();
      }
    }
  });

  test('every handler that can call a model declares it', () => {
    const modelCallers = ['ai.chat', 'rag.query', 'intelligence.summarize'];
    for (const key of modelCallers) assert.equal(rateClassOf(catalog.find((h) => h.key === key)!), 'ai', key);
  });
});
