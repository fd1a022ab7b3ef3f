import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStores, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { RagIndex, ragReadiness } from '../../rag/rag-index.ts';
import { ragAnswerModelService } from '../../rag/grounded-answer.ts';
import { sourcesFromRagResults } from '../../rag/citations.ts';
import { mockTextModel } from '../../testing/mock-model.ts';
import { runCli } from '../../cli/main.ts';

const stores = await createTestStores();
const dir = mkdtempSync(join(tmpdir(), 'zantara-rag-h-'));
mkdirSync(join(dir, 'guides'));
writeFileSync(
  join(dir, 'guides/pt-pma.md'),
  '# PT PMA Guide\n\n## Reporting\n\nA PT PMA submits the LKPM investment activity report every quarter through the OSS system.\n\n## Capital\n\nThe paid-up capital must be deposited in an Indonesian bank account.\n',
);
writeFileSync(
  join(dir, 'guides/visti.md'),
  "# Guida ai visti\n\n## Rinnovo del KITAS\n\nIl rinnovo del KITAS si chiede all'ufficio immigrazione prima della scadenza, con passaporto e sponsor.\n",
);

for (const store of stores) {
  describe(`rag handlers through /call (${store.kind})`, () => {
    let rt: TestRuntime;
    let client: string;
    const call = async (key: string, params: Record<string, unknown>) => {
      const res = await rt.request('/call', { key: client, body: { key, params } });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    before(async () => {
      await store.reset();
      rt = await createTestRuntime({ store });
      client = (await rt.key('client')).key;
      const summary = await new RagIndex(store, { cwd: dir }).ingestPaths(['guides']);
      assert.equal(summary.ingested, 2);
    });
    after(async () => {
      await rt.close();
    });

    it('rag.search returns passages with source, title, heading, snippet and score, without the full text', async () => {
      const { status, body } = await call('rag.search', { query: 'How often is the LKPM report due?', k: 2 });
      assert.equal(status, 200);
      const top = body.data.results[0];
      assert.equal(top.source, 'guides/pt-pma.md');
      assert.equal(top.title, 'PT PMA Guide');
      assert.equal(top.heading, 'Reporting');
      assert.match(top.snippet, /LKPM/);
      assert.ok(top.score > 0);
      assert.equal(top.content, undefined);
      assert.equal(body.data.mode, 'full-text');
    });

    it('rag.search filters by source prefix and rejects punctuation-only queries with 400', async () => {
      const { body } = await call('rag.search', { query: 'KITAS PT PMA', filters: { source: 'guides/visti' } });
      assert.ok(body.data.results.length > 0 && body.data.results.every((r: any) => r.source === 'guides/visti.md'));
      for (const query of ['', '?!', '& | !', ':*']) {
        const res = await call('rag.search', { query });
        assert.equal(res.status, 400, JSON.stringify(query));
      }
      assert.equal((await call('rag.search', { query: 'x'.repeat(1001) })).status, 400);
      assert.equal((await call('rag.search', { query: 'kitas', k: 500 })).status, 400);
    });

    it('rag.query without a model answers with the best passages and numbered citations', async () => {
      const { status, body } = await call('rag.query', { question: 'Come si rinnova il KITAS?', language: 'it' });
      assert.equal(status, 200);
      assert.equal(body.data.mode, 'passages');
      assert.match(body.data.answer, /\[1\] Guida ai visti — Rinnovo del KITAS/);
      assert.deepEqual(body.data.citations[0], {
        n: 1,
        title: 'Guida ai visti',
        source: 'guides/visti.md',
        heading: 'Rinnovo del KITAS',
        snippet: body.data.citations[0].snippet,
      });
    });

    it('rag.query says so when nothing relevant is found, in the asked language', async () => {
      const { body } = await call('rag.query', { question: 'zxqv wombat trampoline', language: 'id' });
      assert.equal(body.data.mode, 'none');
      assert.deepEqual(body.data.citations, []);
      assert.match(body.data.answer, /tidak menemukan/);
    });

    it('rag.query with a model answers from the passages only and keeps the citations it used', async () => {
      const model = mockTextModel('The LKPM is submitted every quarter [1].');
      rt.service(ragAnswerModelService).model = model;
      try {
        const { body } = await call('rag.query', { question: 'When is the LKPM due?' });
        assert.equal(body.data.mode, 'model');
        assert.equal(body.data.answer, 'The LKPM is submitted every quarter [1].');
        assert.deepEqual(
          body.data.citations.map((c: any) => c.n),
          [1],
        );
        assert.equal(body.data.citations[0].source, 'guides/pt-pma.md');
        const prompt = JSON.stringify(model.doGenerateCalls[0].prompt);
        assert.match(prompt, /ONLY the numbered passages/);
        assert.match(prompt, /\[1\] PT PMA Guide — Reporting \(guides\/pt-pma.md\)/);
      } finally {
        rt.service(ragAnswerModelService).model = undefined;
      }
    });

    it('turns rag tool results into /v1/chat sources, de-duplicated', async () => {
      const search = (await call('rag.search', { query: 'LKPM capital KITAS', k: 5 })).body;
      const query = (await call('rag.query', { question: 'LKPM' })).body.data;
      const sources = sourcesFromRagResults([search, JSON.stringify(query), 'not json', null]);
      const first = search.data.results[0];
      assert.deepEqual(sources[0], { title: first.title, source: first.source, heading: first.heading });
      const ids = sources.map((s) => `${s.source}#${s.heading}`);
      assert.equal(new Set(ids).size, ids.length);
      assert.ok(ids.includes('guides/visti.md#Rinnovo del KITAS'));
    });

    it('reports vector search readiness for /ready', () => {
      assert.deepEqual(ragReadiness(rt), {
        available: false,
        vector_search: 'not configured (set ZANTARA_EMBEDDINGS=provider:model): search is full-text only',
      });
    });
  });
}

describe('zantara kb ingest / kb remove', () => {
  it('ingests with a summary, skips bad files, is idempotent, and removes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zantara-kb-cli-'));
    writeFileSync(join(dir, 'guides/junk.md'), Buffer.from([0, 1, 2, 3, 255]));
    const run = async (argv: string[]) => {
      let out = '',
        err = '';
      const code = await runCli(argv, {
        out: (t) => {
          out += t;
        },
        err: (t) => {
          err += t;
        },
        env: { ZANTARA_DATA_DIR: dataDir, NODE_ENV: 'test' },
        isTTY: false,
      });
      return { code, out, err };
    };
    try {
      const first = await run(['kb', 'ingest', join(dir, 'guides')]);
      assert.equal(first.code, 0, first.err);
      assert.match(first.out, /Files: 3 \(ingested 2, unchanged 0, skipped 1, errors 0\)/);
      assert.match(first.out, /skipped .*junk.md: binary/);
      const again = await run(['kb', 'ingest', join(dir, 'guides')]);
      assert.match(again.out, /ingested 0, unchanged 2/);
      assert.match(again.out, /Chunks written: 0/);
      const removed = await run(['kb', 'remove', join(dir, 'guides/pt-pma.md')]);
      assert.equal(removed.code, 0);
      assert.match(removed.out, /Removed 1 document/);
      const missing = await run(['kb', 'ingest', join(dir, 'nope')]);
      assert.equal(missing.code, 1);
      assert.match(missing.err, /no such file/);
      assert.equal((await run(['kb', 'ingest'])).code, 1);
    } finally {
      rmSync(join(dir, 'guides/junk.md'));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

after(async () => {
  for (const s of stores as TestStore[]) await s.close();
  rmSync(dir, { recursive: true, force: true });
});
