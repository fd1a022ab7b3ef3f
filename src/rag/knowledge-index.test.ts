import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { createTestStores, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime } from '../testing/test-runtime.ts';
import { indexKnowledge, ragService } from './rag-index.ts';

const knowledgeDir = resolve(import.meta.dirname, '../../knowledge');
const files = readdirSync(knowledgeDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const stores = await createTestStores();

/** Some sentence-like text from a fact file, read from the file itself (no fact is written in this test). */
function sampleText(file: string): string | undefined {
  const walk = (v: unknown): string | undefined => {
    if (typeof v === 'string' && v.split(/\s+/).length >= 4 && /^[\p{L}]/u.test(v)) return v;
    if (v && typeof v === 'object')
      for (const x of Object.values(v)) {
        const found = walk(x);
        if (found) return found;
      }
    return undefined;
  };
  return walk(parse(readFileSync(join(knowledgeDir, file), 'utf8')));
}

for (const store of stores) {
  describe(`indexing the fact files (${store.kind})`, () => {
    it('indexes every knowledge file, finds their text by free-text search, and skips them when unchanged', async () => {
      await store.reset();
      const rt = await createTestRuntime({ store, env: { ZANTARA_KNOWLEDGE_DIR: knowledgeDir } });
      try {
        const first = await indexKnowledge(rt);
        assert.deepEqual(first.errors, []);
        assert.deepEqual(first.skipped, []);
        assert.equal(first.ingested, files.length);
        const index = rt.service(ragService);
        let checked = 0;
        for (const file of files) {
          const text = sampleText(file);
          if (!text) continue;
          const { results } = await index.search(text, { k: 5, filters: { type: 'knowledge' } });
          assert.ok(
            results.some((r) => r.source.endsWith(`knowledge/${file}`)),
            `${file}: "${text.slice(0, 60)}"`,
          );
          checked++;
        }
        assert.ok(checked >= Math.min(3, files.length));
        const again = await indexKnowledge(rt);
        assert.equal(again.ingested, 0);
        assert.equal(again.unchanged, files.length);
      } finally {
        await rt.close();
      }
    });
  });
}

after(async () => {
  for (const s of stores as TestStore[]) await s.close();
});
