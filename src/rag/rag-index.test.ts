import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStores, type TestStore } from '../testing/test-stores.ts';
import type { Queryable, Store } from '../store/store.ts';
import { RagIndex } from './rag-index.ts';
import { makePdf } from './test-pdf.ts';
import { fakeEmbedder } from '../testing/fake-embeddings.ts';
import { CHUNK_MAX_CHARS } from './chunker.ts';

const stores = await createTestStores();
const root = mkdtempSync(join(tmpdir(), 'zantara-rag-'));
let dir = root;

const GUIDE = `# KITAS Guide

An introduction to stay permits for foreigners.

## Conversion

### To KITAP

After several years on a KITAS a foreigner may convert to a KITAP, the permanent stay permit. Documents: passport, sponsor letter.

## Renewal

Extend the permit before it expires; the immigration office needs the passport and photographs.
`;

/** A fresh copy of the test documents in its own folder (each store's tests change files). */
function writeCorpus(name: string): void {
  dir = join(root, name);
  mkdirSync(join(dir, 'docs'), { recursive: true });
  mkdirSync(join(dir, 'knowledge'), { recursive: true });
  writeFileSync(join(dir, 'docs/kitas-guide.md'), GUIDE);
  writeFileSync(
    join(dir, 'docs/tax.html'),
    `<html><head><title>Tax Basics</title><script>var x = "kitas";</script></head><body>
    <nav>menu kitas</nav><h1>Tax Basics</h1><h2>Annual return</h2><p>Every PT PMA files an annual corporate tax return (SPT Tahunan).</p>
    <ul><li>Keep the invoices</li><li>Pay the monthly instalments</li></ul></body></html>`,
  );
  writeFileSync(
    join(dir, 'docs/notes.txt'),
    'Perusahaan PT PMA wajib melaporkan LKPM setiap triwulan.\n\nCatatan penting untuk investor.',
  );
  writeFileSync(
    join(dir, 'docs/brochure.pdf'),
    makePdf(['Villa rental licence overview', 'Pondok wisata permits for homestays'], { title: 'Rental Brochure' }),
  );
  writeFileSync(
    join(dir, 'docs/città.md'),
    '# Perché Bali\n\nLa qualità della vita è alta; il visto per nomadi digitali è richiesto.',
  );
  // Bad files: binary junk, empty, encrypted PDF, corrupt PDF.
  writeFileSync(join(dir, 'docs/junk.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0xff, 0xfe, 0x01, 0x02]));
  writeFileSync(join(dir, 'docs/empty.md'), '   \n\n  ');
  writeFileSync(join(dir, 'docs/locked.pdf'), makePdf(['secret'], { encrypted: true }));
  writeFileSync(join(dir, 'docs/broken.pdf'), '%PDF-1.4\nthis is not really a pdf');
  writeFileSync(
    join(dir, 'knowledge/widgets.yaml'),
    'title: Widget list\nwidgets:\n  - code: W-1\n    name: Blue widget\n    colour: blue\n  - code: W-2\n    name: Red widget\n    colour: red\nnotes: Widgets ship from Denpasar.\n',
  );
}

/** A store whose transactions fail when they insert chunks: for the atomic-replace test. */
function failingChunks(store: Store): Store {
  return {
    ...store,
    kind: store.kind,
    hasVector: store.hasVector,
    query: store.query.bind(store),
    exec: store.exec.bind(store),
    close: store.close.bind(store),
    transaction: (fn) =>
      store.transaction((tx) =>
        fn({
          query: (sql, params) =>
            /INSERT INTO rag_chunks/.test(sql)
              ? Promise.reject(new Error('disk full (simulated)'))
              : tx.query(sql, params),
        } as Queryable),
      ),
  };
}

for (const store of stores) {
  describe(`rag index (${store.kind})`, () => {
    let index: RagIndex;
    before(async () => {
      await store.reset();
      writeCorpus(store.kind);
      index = new RagIndex(store, { cwd: dir });
    });

    it('ingests Markdown, HTML, text, PDF and YAML, and reports bad files as skipped', async () => {
      const summary = await index.ingestPaths(['docs', 'knowledge']);
      assert.equal(summary.files, 10);
      assert.equal(summary.ingested, 6);
      assert.equal(summary.errors.length, 0);
      const reasons = Object.fromEntries(summary.skipped.map((s) => [s.path, s.reason]));
      assert.match(reasons['docs/junk.txt'], /binary/);
      assert.match(reasons['docs/empty.md'], /empty/);
      assert.match(reasons['docs/locked.pdf'], /encrypted/);
      assert.match(reasons['docs/broken.pdf'], /not a readable PDF/);
      const docs = await store.query<{ source: string }>('SELECT source FROM rag_documents ORDER BY source');
      assert.deepEqual(
        docs.rows.map((r) => r.source),
        [
          'docs/brochure.pdf',
          'docs/città.md',
          'docs/kitas-guide.md',
          'docs/notes.txt',
          'docs/tax.html',
          'knowledge/widgets.yaml',
        ],
      );
      assert.equal(summary.chunks, (await index.stats()).chunks);
    });

    it('keeps title, heading path, source and file date on each chunk', async () => {
      const { results } = await index.search('convert KITAP', { k: 3 });
      assert.equal(results[0].source, 'docs/kitas-guide.md');
      assert.equal(results[0].title, 'KITAS Guide');
      assert.equal(results[0].heading, 'Conversion › To KITAP');
      assert.ok(results[0].file_mtime);
      const html = await index.search('annual corporate tax', { k: 1 });
      assert.equal(html.results[0].title, 'Tax Basics');
      assert.equal(html.results[0].heading, 'Annual return');
      assert.doesNotMatch(html.results[0].content, /var x|menu/);
      const pdf = await index.search('pondok wisata', { k: 1 });
      assert.equal(pdf.results[0].title, 'Rental Brochure');
      assert.equal(pdf.results[0].heading, 'Page 2');
    });

    it('indexes YAML fact files one entry per chunk, readable, as type knowledge', async () => {
      const { results } = await index.search('red widget', { k: 5, filters: { type: 'knowledge' } });
      assert.ok(results.length >= 1);
      assert.equal(results[0].heading, 'widgets › W-2 Red widget');
      assert.match(results[0].content, /colour: red/);
      assert.ok(results.every((r) => r.type === 'knowledge'));
      const docsOnly = await index.search('widget', { filters: { type: 'document' } });
      assert.equal(docsOnly.results.length, 0);
    });

    it('is accent-insensitive and works for Italian and Indonesian text', async () => {
      assert.equal((await index.search('citta qualita perche', { k: 1 })).results[0].source, 'docs/città.md');
      assert.equal((await index.search('QUALITÀ', { k: 1 })).results[0].source, 'docs/città.md');
      assert.equal((await index.search('apa itu LKPM?', { k: 1 })).results[0].source, 'docs/notes.txt');
    });

    it('treats tsquery syntax in queries as plain words, and rejects queries without words', async () => {
      for (const q of [
        'kitas & kitap',
        'kitas | !passport',
        'kitap:*',
        "'kitap'",
        '"kitap" OR 1=1; DROP TABLE rag_chunks; --',
        '(kitap) <-> <2>',
        'KITAP 护照 паспорт',
      ]) {
        const { results } = await index.search(q, { k: 3 });
        assert.ok(
          results.some((r) => r.source === 'docs/kitas-guide.md'),
          q,
        );
      }
      for (const q of ['', '   ', '&|!', ':*', "''", '?!...', '()<->']) {
        await assert.rejects(
          index.search(q),
          (e: any) => e.code === 'invalid_query' && e.status === 400,
          JSON.stringify(q),
        );
      }
      assert.equal((await index.search('zzqx unrelatedword')).results.length, 0);
    });

    it('filters by source prefix', async () => {
      const { results } = await index.search('PT PMA', { k: 10, filters: { source: 'docs/notes' } });
      assert.ok(results.length >= 1);
      assert.ok(results.every((r) => r.source === 'docs/notes.txt'));
    });

    it('re-ingesting unchanged files writes nothing; a changed file replaces its chunks', async () => {
      const before = await store.query<{ id: string }>('SELECT id FROM rag_chunks ORDER BY id');
      const again = await index.ingestPaths(['docs', 'knowledge']);
      assert.equal(again.ingested, 0);
      assert.equal(again.unchanged, 6);
      assert.deepEqual((await store.query('SELECT id FROM rag_chunks ORDER BY id')).rows, before.rows);
      writeFileSync(
        join(dir, 'docs/kitas-guide.md'),
        GUIDE.replace('## Renewal', '## Sponsorship\n\nA company sponsor signs the guarantee letter.\n\n## Renewal'),
      );
      const changed = await index.ingestPaths(['docs/kitas-guide.md']);
      assert.equal(changed.ingested, 1);
      const sponsor = await index.search('guarantee letter sponsor', { k: 1 });
      assert.equal(sponsor.results[0].heading, 'Sponsorship');
      const count = await store.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM rag_chunks WHERE source = 'docs/kitas-guide.md'`,
      );
      const doc = await store.query<{ chunk_count: number }>(
        `SELECT chunk_count FROM rag_documents WHERE source = 'docs/kitas-guide.md'`,
      );
      assert.equal(count.rows[0].n, doc.rows[0].chunk_count);
    });

    it('a failed replacement leaves the previous version whole (atomic)', async () => {
      const broken = new RagIndex(failingChunks(store), { cwd: dir });
      const beforeRows = await store.query(
        `SELECT id, content FROM rag_chunks WHERE source = 'docs/kitas-guide.md' ORDER BY id`,
      );
      writeFileSync(join(dir, 'docs/kitas-guide.md'), GUIDE + '\n## New section\n\nBrand new text.\n');
      const summary = await broken.ingestPaths(['docs/kitas-guide.md']);
      assert.equal(summary.errors.length, 1);
      assert.match(summary.errors[0].message, /disk full/);
      assert.deepEqual(
        (await store.query(`SELECT id, content FROM rag_chunks WHERE source = 'docs/kitas-guide.md' ORDER BY id`)).rows,
        beforeRows.rows,
      );
      assert.equal((await index.search('brand new text')).results.length, 0);
      // The next successful ingest picks the change up (the hash was not recorded by the failed one).
      assert.equal((await index.ingestPaths(['docs/kitas-guide.md'])).ingested, 1);
      assert.equal((await index.search('brand new text', { k: 1 })).results[0].source, 'docs/kitas-guide.md');
    });

    it('chunks a very long document along headings with overlap, each chunk within the size limit', async () => {
      const sentence = 'The immigration office checks the sponsor documents carefully before approval. ';
      const long = `# Long Guide\n\n## Part A\n\n${sentence.repeat(200)}\n\n## Part B\n\nShort closing words about Bali.\n`;
      writeFileSync(join(dir, 'docs/long.md'), long);
      const summary = await index.ingestPaths(['docs/long.md']);
      assert.equal(summary.ingested, 1);
      const rows = (
        await store.query<{ heading: string; content: string }>(
          `SELECT heading, content FROM rag_chunks WHERE source = 'docs/long.md' ORDER BY ordinal`,
        )
      ).rows;
      assert.ok(rows.length > 10);
      assert.ok(
        rows.every((r) => r.content.length <= CHUNK_MAX_CHARS),
        'chunk too long',
      );
      assert.deepEqual([...new Set(rows.map((r) => r.heading))], ['Part A', 'Part B']);
      // Overlap: the second chunk starts with the end of the first.
      const carried = rows[1].content.split('\n\n')[0];
      assert.ok(
        carried.length > 50 && rows[0].content.endsWith(carried),
        'second chunk starts with the end of the first',
      );
    });

    it('kb remove drops a file or a whole folder', async () => {
      assert.equal((await index.search('carefully approval')).results.length > 0, true);
      const one = await index.remove(['docs/long.md']);
      assert.deepEqual(one.removed, ['docs/long.md']);
      assert.equal((await index.search('carefully approval')).results.length, 0);
      const none = await index.remove(['docs/never-ingested.md']);
      assert.deepEqual(none.not_found, ['docs/never-ingested.md']);
      const folder = await index.remove(['knowledge']);
      assert.deepEqual(folder.removed, ['knowledge/widgets.yaml']);
    });

    it('reports vector search as not configured, or unavailable without pgvector, and still searches', async () => {
      assert.equal(index.vectorStatus().available, false);
      assert.match(index.vectorStatus().note, /not configured/);
      const withEmbedder = new RagIndex(store, { cwd: dir, embedder: fakeEmbedder(32) });
      if (!store.hasVector) {
        assert.match(withEmbedder.vectorStatus().note, /pgvector is not installed/);
        const result = await withEmbedder.search('KITAP');
        assert.equal(result.mode, 'full-text');
        assert.ok(result.results.length > 0);
      } else {
        assert.equal(withEmbedder.vectorStatus().available, true);
      }
    });
  });
}

const vectorStore = stores.find((s) => s.hasVector)!;
describe(`hybrid search with pgvector (${vectorStore.kind})`, () => {
  before(async () => {
    await vectorStore.reset();
    writeCorpus('vector');
  });

  it('stores vectors with their model, fuses full-text and vector rankings, and finds by meaning-ish overlap', async () => {
    const embedder = fakeEmbedder(64);
    const index = new RagIndex(vectorStore, { cwd: dir, embedder, minSimilarity: 0.2 });
    const summary = await index.ingestPaths(['docs/kitas-guide.md', 'docs/tax.html', 'docs/notes.txt']);
    assert.equal(summary.ingested, 3);
    const models = await vectorStore.query<{ model: string; dim: number; n: number }>(
      'SELECT model, dim, count(*)::int AS n FROM rag_chunk_embeddings GROUP BY model, dim',
    );
    assert.deepEqual(models.rows, [{ model: 'fake:bow-64', dim: 64, n: (await index.stats()).chunks }]);
    const result = await index.search('passport sponsor letter KITAP', { k: 3 });
    assert.equal(result.mode, 'hybrid');
    assert.equal(result.results[0].source, 'docs/kitas-guide.md');
    assert.deepEqual(result.results[0].matched_by.sort(), ['full-text', 'vector']);
    // A question sharing no word with any document finds nothing (vector-only hits under the floor are dropped).
    assert.equal((await index.search('zzqx qqwv')).results.length, 0);
  });

  it('a model change re-embeds unchanged files on the next ingest and never mixes dimensions', async () => {
    const next = fakeEmbedder(48, 'fake:bow-48');
    const index = new RagIndex(vectorStore, { cwd: dir, embedder: next, minSimilarity: 0.2 });
    const summary = await index.ingestPaths(['docs/kitas-guide.md', 'docs/tax.html', 'docs/notes.txt']);
    assert.equal(summary.ingested, 3, 'files re-embedded although unchanged');
    const models = await vectorStore.query<{ model: string; dim: number }>(
      'SELECT DISTINCT model, dim FROM rag_chunk_embeddings',
    );
    assert.deepEqual(models.rows, [{ model: 'fake:bow-48', dim: 48 }]);
    const docs = await vectorStore.query<{ embedding_model: string; embedding_dim: number }>(
      'SELECT DISTINCT embedding_model, embedding_dim FROM rag_documents',
    );
    assert.deepEqual(docs.rows, [{ embedding_model: 'fake:bow-48', embedding_dim: 48 }]);
    assert.equal((await index.ingestPaths(['docs/notes.txt'])).unchanged, 1);
    assert.equal((await index.search('LKPM triwulan', { k: 1 })).results[0].source, 'docs/notes.txt');
  });

  it('an embedding failure at search time falls back to full-text with a note', async () => {
    const failing = fakeEmbedder(48, 'fake:bow-48');
    (failing.model as any).doEmbed = async () => {
      throw new Error('provider down');
    };
    const index = new RagIndex(vectorStore, { cwd: dir, embedder: failing });
    const result = await index.search('LKPM', { k: 1 });
    assert.equal(result.mode, 'full-text');
    assert.match(result.vector, /provider down/);
    assert.equal(result.results[0].source, 'docs/notes.txt');
  });
});

after(async () => {
  for (const s of stores as TestStore[]) await s.close();
  rmSync(root, { recursive: true, force: true });
});
