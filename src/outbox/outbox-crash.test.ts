/**
 * The outbox across processes: a worker killed with SIGKILL in the middle of a delivery and restarted delivers
 * each message exactly once to the provider; two workers (two processes, like two replicas) sharing PostgreSQL
 * deliver 500 messages with no duplicate and none lost.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteStore } from '../store/pglite-store.ts';
import { migrate } from '../store/migrate.ts';
import { createTestPglite, createTestPostgres, TEST_DATABASE_URL } from '../testing/test-stores.ts';
import type { Store } from '../store/store.ts';
import { createTestRuntime } from '../testing/test-runtime.ts';
import { FakeSlackServer } from '../testing/fake-slack/fake-slack-server.ts';
import { FakeDiscordServer } from '../testing/fake-discord/fake-discord-server.ts';
import { outboxService } from './outbox.ts';
import { guardChild, killGuardedChildren } from '../testing/child-guard.ts';

const CHILD = join(import.meta.dirname, 'outbox-worker-child.fixture.ts');

function startWorker(env: Record<string, string>): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
} {
  const child = guardChild(
    spawn(process.execPath, [CHILD], {
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  child.stdout!.on('data', (d) => {
    output += String(d);
  });
  child.stderr!.on('data', (d) => {
    output += String(d);
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, output })),
  );
  return { child, done };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Queues `count` messages on a channel with the store, through the real Outbox. */
async function enqueue(
  store: Store,
  env: Record<string, string>,
  channel: string,
  destination: string,
  count: number,
): Promise<string[]> {
  const rt = await createTestRuntime({ store, env, handlers: [] });
  try {
    const outbox = rt.service(outboxService);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const r = await outbox.enqueue({
        channel,
        destination,
        payload: { text: `message ${i}` },
        idempotencyKey: `crash-test-${i}`,
      });
      assert.equal(r.status, 'pending');
      ids.push(r.id);
    }
    return ids;
  } finally {
    await rt.close();
  }
}

type StoreTarget = { name: string; env: Record<string, string>; open(): Promise<Store>; cleanup(): Promise<void> };

async function pgliteTarget(): Promise<StoreTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'zantara-outbox-crash-'));
  await (await createTestPglite(dir)).close(); // starts as a clone of the migrated template: no initdb in the test
  return {
    name: 'pglite (data directory, one process at a time)',
    env: { ZANTARA_DATA_DIR: dir },
    async open() {
      const s = await createPgliteStore(dir);
      await migrate(s);
      return s;
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(): Promise<StoreTarget | undefined> {
  const store = await createTestPostgres();
  if (!store) return undefined;
  const schema = (await store.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s;
  return {
    name: 'postgres',
    env: { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema },
    async open() {
      return {
        ...store,
        async close() {
          /* kept for the next phase; closed in cleanup */
        },
      };
    },
    async cleanup() {
      await store.close();
    },
  };
}

const targets = [await pgliteTarget(), await postgresTarget()].filter((t): t is StoreTarget => Boolean(t));
after(async () => {
  killGuardedChildren();
  for (const t of targets) await t.cleanup();
});

for (const target of targets) {
  describe(`outbox crash safety on ${target.name}`, () => {
    test('a worker killed with SIGKILL mid-delivery, restarted, delivers every message exactly once', async () => {
      const slack = new FakeSlackServer({ channels: ['C0CRASH'] });
      await slack.start();
      try {
        const env = {
          ...target.env,
          SLACK_BOT_TOKEN: slack.token,
          SLACK_BASE_URL: `${slack.url}/api`,
          ZANTARA_SLACK_CHANNELS: 'crash=C0CRASH',
          ZANTARA_OUTBOX_BATCH: '1',
          ZANTARA_OUTBOX_LEASE_MS: '1500',
          ZANTARA_OUTBOX_POLL_MS: '20',
        };
        let store = await target.open();
        const ids = await enqueue(store, env, 'slack', 'crash', 12);
        await store.close();

        // Every request is held 300 ms by the provider; the worker is killed while the 6th is in flight.
        slack.holdMs = 300;
        const first = startWorker(env);
        await waitFor(
          () => slack.requests.filter((r) => r.path.endsWith('chat.postMessage')).length >= 6,
          'the 6th delivery to start',
        );
        first.child.kill('SIGKILL');
        const killed = await first.done;
        assert.equal(killed.signal, 'SIGKILL');
        // The provider still completes the request it had received (a real server would): 6 posted.
        await waitFor(() => slack.posted.length >= 6, 'the in-flight message to be posted by the provider', 5000);
        slack.holdMs = 0;

        const second = startWorker(env);
        const finished = await second.done;
        assert.equal(finished.code, 0, finished.output);

        const perMessage = new Map<string, number>();
        for (const p of slack.posted) {
          const id = String(p.metadata?.event_payload.outbox_id);
          perMessage.set(id, (perMessage.get(id) ?? 0) + 1);
        }
        assert.deepEqual([...perMessage.keys()].sort(), [...ids].sort(), 'every message reached the provider');
        assert.deepEqual([...new Set(perMessage.values())], [1], 'no message reached the provider twice');
        store = await target.open();
        const { rows } = await store.query<{ status: string; n: number }>(
          'SELECT status, count(*)::int AS n FROM outbox GROUP BY status',
        );
        assert.deepEqual(rows, [{ status: 'sent', n: 12 }]);
        await store.query('DELETE FROM outbox');
        await store.close();
      } finally {
        await slack.close();
      }
    });
  });
}

const postgres = targets.find((t) => t.name === 'postgres');
if (!postgres) console.log(`# PostgreSQL at ${TEST_DATABASE_URL} is not reachable: the two-worker test is skipped`);
else {
  test('two workers on PostgreSQL deliver 500 messages: no duplicate, none lost', async () => {
    const discord = new FakeDiscordServer();
    await discord.start();
    try {
      const env = {
        ...postgres.env,
        ZANTARA_DISCORD_WEBHOOKS: `load=${discord.webhookUrl()}`,
        ZANTARA_OUTBOX_BATCH: '10',
        ZANTARA_OUTBOX_POLL_MS: '20',
      };
      const store = await postgres.open();
      await store.query('DELETE FROM outbox');
      const ids = await enqueue(store, env, 'discord', 'load', 500);
      const a = startWorker(env);
      const b = startWorker(env);
      const [ra, rb] = await Promise.all([a.done, b.done]);
      assert.equal(ra.code, 0, ra.output);
      assert.equal(rb.code, 0, rb.output);
      console.log(
        `# worker A: ${ra.output.trim().split('\n').at(-1)}, worker B: ${rb.output.trim().split('\n').at(-1)}`,
      );
      const contents = discord.posted.map((p) => p.content);
      assert.equal(contents.length, 500, 'exactly 500 deliveries');
      assert.equal(new Set(contents).size, 500, 'no message delivered twice');
      const { rows } = await store.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM outbox GROUP BY status',
      );
      assert.deepEqual(rows, [{ status: 'sent', n: 500 }]);
      const sentIds = (await store.query<{ id: string }>(`SELECT id FROM outbox WHERE status = 'sent'`)).rows
        .map((r) => r.id)
        .sort();
      assert.deepEqual(sentIds, [...ids].sort());
    } finally {
      await discord.close();
    }
  });
}
