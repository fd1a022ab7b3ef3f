import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteStore } from '../store/pglite-store.ts';
import { migrate } from '../store/migrate.ts';
import { guardChild, killGuardedChildren } from '../testing/child-guard.ts';
import { createTestPglite } from '../testing/test-stores.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'zantara-crash-'));
// The writer opens a clone of the migrated template, so the kill lands mid-write, not mid-initdb.
before(async () => {
  await (await createTestPglite(dataDir)).close();
});

describe('crash safety (PGlite data directory, SIGKILL mid-stream)', { timeout: 180_000 }, () => {
  it('after a kill, every acknowledged fact and document is there and the store opens cleanly', async () => {
    const child = guardChild(
      spawn(process.execPath, [join(import.meta.dirname, 'crash-writer.fixture.ts'), dataDir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const facts: string[] = [];
    const docs = new Map<string, { title: string; chunks: number }>();
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let buffer = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (data: Buffer) => {
        buffer += data.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          const [kind, ...rest] = line.split(' ');
          if (kind === 'fact') facts.push(rest[0]);
          if (kind === 'doc') docs.set(rest[0], { title: rest.slice(1, -1).join(' '), chunks: Number(rest.at(-1)) });
        }
        // Kill while it is writing: after a fair number of acknowledged writes, at an arbitrary moment.
        if (facts.length >= 150 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code) => {
        if (!child.killed) reject(new Error(`writer exited early (${code}): ${stderr}`));
      });
    });
    assert.equal(await exited, 'SIGKILL');
    assert.ok(docs.size > 0, 'some documents were acknowledged');

    const store = await createPgliteStore(dataDir);
    try {
      assert.deepEqual(await migrate(store), [], 'schema already complete');
      const found = await store.query<{ id: string }>('SELECT id FROM memory_facts WHERE id = ANY($1::uuid[])', [
        facts,
      ]);
      assert.equal(found.rows.length, facts.length, 'every acknowledged fact survived');
      for (const [source, expected] of docs) {
        const { rows } = await store.query<{ title: string; chunk_count: number; n: number }>(
          `SELECT d.title, d.chunk_count, (SELECT count(*)::int FROM rag_chunks c WHERE c.document_id = d.id) AS n FROM rag_documents d WHERE d.source = $1`,
          [source],
        );
        assert.equal(rows.length, 1, source);
        // The document is the acknowledged version or a later one that committed after the last ack; never partial.
        assert.equal(rows[0].n, rows[0].chunk_count, `${source} complete`);
        assert.ok(
          Number(rows[0].title.split(' ')[1]) >= Number(expected.title.split(' ')[1]),
          `${source} not older than acknowledged`,
        );
      }
      const orphans = await store.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM rag_chunks c WHERE NOT EXISTS (SELECT 1 FROM rag_documents d WHERE d.id = c.document_id)',
      );
      assert.equal(orphans.rows[0].n, 0);
      // And it takes new writes.
      await store.query(
        `INSERT INTO principals (id, role, display_name) VALUES ('00000000-0000-4000-8000-000000000001', 'client', 'after crash')`,
      );
    } finally {
      await store.close();
    }
  });
});

after(() => {
  killGuardedChildren();
  rmSync(dataDir, { recursive: true, force: true });
});
