import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStores, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime } from '../testing/test-runtime.ts';
import { embedderFromEnv } from './embeddings.ts';
import { fakeEmbedding } from '../testing/fake-embeddings.ts';
import { ragReadiness, ragService } from './rag-index.ts';

/** An OpenAI-compatible embeddings endpoint on loopback, answering with deterministic bag-of-words vectors. */
let server: Server;
let baseURL = '';
let requests = 0;
const stores = await createTestStores();
const dir = mkdtempSync(join(tmpdir(), 'zantara-emb-'));

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      requests++;
      const { input, model } = JSON.parse(body) as { input: string[]; model: string };
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          object: 'list',
          model,
          data: input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text, 32) })),
          usage: { prompt_tokens: 1, total_tokens: 1 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
  mkdirSync(join(dir, 'docs'));
  writeFileSync(
    join(dir, 'docs/guide.md'),
    '# Guide\n\n## Sponsor\n\nThe sponsor letter is signed by the company director.\n\n## Photos\n\nBring two red background photographs.\n',
  );
});

describe('embedding provider from the environment', () => {
  it('is off without ZANTARA_EMBEDDINGS and rejects a malformed value with the variable named', () => {
    assert.equal(embedderFromEnv({}), undefined);
    assert.throws(() => embedderFromEnv({ ZANTARA_EMBEDDINGS: 'nonsense' }), /ZANTARA_EMBEDDINGS/);
    assert.equal(embedderFromEnv({ ZANTARA_EMBEDDINGS: 'ollama:nomic-embed-text' })!.id, 'ollama:nomic-embed-text');
    assert.equal(
      embedderFromEnv({ ZANTARA_EMBEDDINGS: 'google:gemini-embedding-001', GOOGLE_GENERATIVE_AI_API_KEY: 'k' })!.id,
      'google:gemini-embedding-001',
    );
  });

  for (const store of stores) {
    it(`an OpenAI-compatible endpoint drives hybrid search where pgvector exists, full-text elsewhere (${store.kind})`, async () => {
      await store.reset();
      const rt = await createTestRuntime({
        store,
        env: { ZANTARA_EMBEDDINGS: 'openai-compatible:fake-embed', ZANTARA_EMBEDDINGS_BASE_URL: baseURL },
      });
      try {
        const index = rt.service(ragService);
        const before = requests;
        const summary = await index.ingestPaths([join(dir, 'docs')]);
        assert.equal(summary.ingested, 1);
        const { key } = await rt.key('client');
        const res = await rt.request('/call', {
          key,
          body: { key: 'rag.search', params: { query: 'sponsor letter director' } },
        });
        const body = (await res.json()) as any;
        assert.equal(body.data.results[0].heading, 'Sponsor');
        if (store.hasVector) {
          assert.equal(body.data.mode, 'hybrid');
          assert.ok(requests >= before + 2, 'the endpoint embedded the chunks and the query');
          assert.deepEqual(ragReadiness(rt), {
            available: true,
            vector_search: 'available (openai-compatible:fake-embed)',
          });
        } else {
          assert.equal(body.data.mode, 'full-text');
          assert.equal(requests, before, 'no embedding calls without pgvector');
          assert.equal(ragReadiness(rt).available, false);
          assert.match(ragReadiness(rt).vector_search, /pgvector is not installed/);
        }
      } finally {
        await rt.close();
      }
    });
  }
});

after(async () => {
  server.close();
  for (const s of stores as TestStore[]) await s.close();
  rmSync(dir, { recursive: true, force: true });
});
