import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Knowledge, knowledgeEnv } from '../knowledge/knowledge-service.ts';
import { formatImportSummary, runKbliImport } from '../cli/commands/kb-import-kbli.ts';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';
import { handlers } from '../handlers/business/index.ts';
import { countKbliCodes, getKbliCode } from './kbli-table.ts';
import { importKbli, importKbliFile, parseKbliRows, type ImportProgress } from './import-kbli.ts';

const SHARED_KBLI = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'kbli-2020', 'kbli.json');

// A small list in the official file's format, with the same quirks: a missing 3-digit level and a duplicated
// 4-digit code whose first row is really the (missing) 3-digit golongan.
const fixture = [
  {
    id: '1',
    code: 'I',
    title: 'PENYEDIAAN AKOMODASI DAN PENYEDIAAN MAKAN MINUM',
    detail: 'Kategori ini mencakup akomodasi.',
  },
  { id: '2', code: '56', title: 'PENYEDIAAN MAKANAN DAN MINUMAN', detail: 'Golongan pokok ini mencakup makanan.' },
  {
    id: '3',
    code: '561',
    title: 'RESTORAN DAN PENYEDIAAN MAKANAN KELILING',
    detail: 'Golongan ini mencakup restoran.',
  },
  {
    id: '4',
    code: '5610',
    title: 'RESTORAN DAN PENYEDIAAN MAKANAN KELILING',
    detail: 'Subgolongan ini mencakup restoran.',
  },
  { id: '5', code: '56101', title: 'RESTORAN', detail: 'Kelompok ini mencakup usaha restoran.' },
  { id: '6', code: '56102', title: 'RUMAH/WARUNG MAKAN', detail: 'Kelompok ini mencakup warung makan.' },
  { id: '7', code: '5630', title: 'PENYEDIAAN MINUMAN', detail: 'Golongan ini mencakup minuman (baris salah).' },
  { id: '8', code: '5630', title: 'PENYEDIAAN MINUMAN', detail: 'Subgolongan ini mencakup penyediaan minuman.' },
  { id: '9', code: '56301', title: 'BAR', detail: 'Kelompok ini mencakup bar.' },
  {
    id: '10',
    code: '56309',
    title: 'PENYEDIAAN MINUMAN LAINNYA',
    detail: 'Kelompok ini mencakup kedai minuman lainnya, misalnya kedai jus.',
  },
];

let store: TestStore;
let dir: string;
let fixtureFile: string;

before(async () => {
  store = await createTestPglite();
  dir = mkdtempSync(join(tmpdir(), 'zantara-kbli-'));
  fixtureFile = join(dir, 'kbli.json');
  writeFileSync(fixtureFile, JSON.stringify(fixture));
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => store.reset());

describe('KBLI import', () => {
  it('imports every code with its level, keeps the right duplicate and reports progress', async () => {
    const progress: ImportProgress[] = [];
    const summary = await importKbliFile(store, fixtureFile, { batchSize: 3, onProgress: (p) => progress.push(p) });
    assert.equal(summary.rows, fixture.length);
    assert.equal(summary.imported, new Set(fixture.map((r) => r.code)).size);
    assert.deepEqual(
      summary.duplicates_skipped.map((d) => d.code),
      ['5630'],
    );
    assert.deepEqual(summary.by_level, { kategori: 1, golongan_pokok: 1, golongan: 1, subgolongan: 2, kelompok: 4 });
    assert.deepEqual(progress[0], { done: 0, total: summary.imported });
    assert.deepEqual(progress.at(-1), { done: summary.imported, total: summary.imported });
    assert.ok(progress.length >= 4, 'one progress report per batch');
    const kept = await getKbliCode(store, '5630');
    assert.match(kept!.detail!, /^Subgolongan/);
    assert.deepEqual(await countKbliCodes(store), summary.by_level);
    assert.match(formatImportSummary(summary), /duplicates skipped: 1 \(5630\)/);
  });

  it('re-importing changes nothing and adds no rows', async () => {
    await importKbli(store, parseKbliRows(fixture));
    const first = (await store.query('SELECT code, level, title, detail FROM kbli_codes ORDER BY code')).rows;
    await importKbli(store, parseKbliRows(fixture));
    const second = (await store.query('SELECT code, level, title, detail FROM kbli_codes ORDER BY code')).rows;
    assert.deepEqual(second, first);
  });

  it('rolls back entirely on a bad file and names the problem', async () => {
    assert.throws(() => parseKbliRows([{ code: '5610', title: '' }]), /not a list of/);
    await assert.rejects(importKbliFile(store, join(dir, 'missing.json')), /No such file/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    await assert.rejects(importKbliFile(store, bad), /Cannot read/);
    assert.equal((await store.query('SELECT count(*)::int AS n FROM kbli_codes')).rows[0].n, 0);
  });

  it('makes every imported 5-digit code resolvable through kbli.lookup, and searchable in Indonesian', async () => {
    await importKbli(store, parseKbliRows(fixture));
    const rt: TestRuntime = await createTestRuntime({ store, handlers });
    try {
      const key = (await rt.key('client')).key;
      for (const row of fixture.filter((r) => r.code.length === 5)) {
        const res = await rt.request('/call', { key, body: { key: 'kbli.lookup', params: { code: row.code } } });
        const body = (await res.json()) as {
          ok: boolean;
          data: { results: Array<{ title: string; detail: string | null; edition: string }> };
        };
        assert.equal(res.status, 200, row.code);
        assert.equal(body.data.results[0].title, row.title);
        assert.equal(body.data.results[0].detail, row.detail);
        assert.equal(body.data.results[0].edition, 'KBLI 2020');
      }
      const res = await rt.request('/call', { key, body: { key: 'kbli.lookup', params: { query: 'jus' } } });
      const body = (await res.json()) as { data: { results: Array<{ code: string }> } };
      assert.equal(body.data.results[0].code, '56309');
    } finally {
      await rt.close();
    }
  });

  it('the CLI command imports a file and prints one summary line', async () => {
    const out: string[] = [];
    const dataDir = join(dir, 'cli-data');
    const io = {
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(t),
      env: { ZANTARA_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      isTTY: false,
    };
    assert.equal(await runKbliImport(fixtureFile, io), 0);
    const summaryLine = out.at(-1)!;
    assert.match(
      summaryLine,
      new RegExp(`Imported ${new Set(fixture.map((r) => r.code)).size} KBLI 2020 codes from ${fixture.length} rows`),
    );
    assert.match(summaryLine, /kelompok 4/);
  });

  it('imports the official shared list when it is present: every 5-digit code resolves', async (t) => {
    if (!existsSync(SHARED_KBLI)) {
      console.log(`# ${SHARED_KBLI} not found: official-list import test skipped`);
      t.diagnostic('official KBLI list not present');
      return;
    }
    const rows = parseKbliRows(JSON.parse(readFileSync(SHARED_KBLI, 'utf8')));
    const summary = await importKbli(store, rows);
    const fiveDigit = [...new Set(rows.filter((r) => r.code.length === 5).map((r) => r.code))];
    assert.equal(summary.by_level.kelompok, fiveDigit.length);
    assert.equal(summary.imported + summary.duplicates_skipped.length, rows.length);
    const kb = new Knowledge(knowledgeEnv.parse({}), { store } as never);
    for (const code of fiveDigit) {
      const entry = await kb.kbli.byCode(code);
      assert.ok(entry, `code ${code} resolves`);
      assert.equal(entry.edition, 'KBLI 2020');
    }
    // The curated titles agree with the official list.
    for (const curated of kb.data.kbli.codes)
      assert.equal((await getKbliCode(store, curated.code))?.title, curated.title, curated.code);
  });
});
