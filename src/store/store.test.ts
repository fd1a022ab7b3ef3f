import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createTestStores, type TestStore } from '../testing/test-stores.ts';
import { migrate } from './migrate.ts';
import { createPgliteStore } from './pglite-store.ts';

let stores: TestStore[];
before(async () => {
  stores = await createTestStores();
});
after(async () => {
  for (const s of stores) await s.close();
});

describe('store (PGlite and PostgreSQL)', () => {
  it('runs the same migrations on every driver, once', async () => {
    for (const store of stores) {
      const applied = await migrate(store);
      assert.deepEqual(applied, [], `${store.kind}: nothing left to apply`);
      const { rows } = await store.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      assert.ok(
        rows.some((r) => r.name === '001-core.sql'),
        store.kind,
      );
    }
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    for (const store of stores) {
      await store.reset();
      await store.transaction(async (tx) => {
        await tx.query(`INSERT INTO principals (id, role, display_name) VALUES (gen_random_uuid(), 'client', 'kept')`);
      });
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.query(
            `INSERT INTO principals (id, role, display_name) VALUES (gen_random_uuid(), 'client', 'lost')`,
          );
          throw new Error('abort');
        }),
        /abort/,
      );
      const { rows } = await store.query<{ display_name: string }>('SELECT display_name FROM principals');
      assert.deepEqual(
        rows.map((r) => r.display_name),
        ['kept'],
        store.kind,
      );
    }
  });

  it('passes parameters as data, never as SQL', async () => {
    for (const store of stores) {
      await store.reset();
      const evil = "x'); DROP TABLE principals; --";
      await store.query(`INSERT INTO principals (id, role, display_name) VALUES (gen_random_uuid(), 'client', $1)`, [
        evil,
      ]);
      const { rows } = await store.query<{ display_name: string }>('SELECT display_name FROM principals');
      assert.equal(rows[0].display_name, evil, store.kind);
    }
  });

  it('reports whether pgvector is available', () => {
    const pglite = stores.find((s) => s.kind === 'pglite')!;
    assert.equal(pglite.hasVector, true);
    for (const s of stores) assert.equal(typeof s.hasVector, 'boolean');
  });
});

describe('PGlite data directory', () => {
  it('keeps data across reopen, and a second process fails fast with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zantara-lock-'));
    try {
      const first = await createPgliteStore(dir);
      await migrate(first);
      await first.query(
        `INSERT INTO principals (id, role, display_name) VALUES (gen_random_uuid(), 'staff', 'persisted')`,
      );
      const script = `import { createPgliteStore } from ${JSON.stringify(new URL('./pglite-store.ts', import.meta.url).href)};
        try { await createPgliteStore(${JSON.stringify(dir)}); console.log('opened'); } catch (e) { console.log(e.code + ': ' + e.message); }`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      assert.match(child.stdout, /data_dir_locked: .*in use by process/);
      await first.close();
      const again = await createPgliteStore(dir);
      const { rows } = await again.query<{ display_name: string }>('SELECT display_name FROM principals');
      assert.deepEqual(
        rows.map((r) => r.display_name),
        ['persisted'],
      );
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
