/**
 * The chat profile read (`profileFacts`) is reused for a while in this process: changes made through the memory
 * service show at once, changes made elsewhere (another replica on the same database) once the time is up.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fixedClock } from '../runtime/clock.ts';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime } from '../testing/test-runtime.ts';
import { MemoryFacts, memoryService } from './memory-facts.ts';

let store: TestStore;
let originalQuery: TestStore['query'];
let profileReads = 0;

before(async () => {
  store = await createTestPglite();
  originalQuery = store.query;
  store.query = (async (sql: string, params?: unknown[]) => {
    if (/FROM memory_facts WHERE principal_id = \$1 ORDER BY updated_at DESC/.test(sql)) profileReads++;
    return originalQuery.call(store, sql, params);
  }) as TestStore['query'];
});
after(async () => {
  await store.close();
});
beforeEach(async () => {
  await store.reset();
  profileReads = 0;
});

async function user(): Promise<string> {
  const id = randomUUID();
  await originalQuery.call(
    store,
    `INSERT INTO principals (id, role, display_name) VALUES ($1, 'client', 'Cache test')`,
    [id],
  );
  return id;
}
const contents = (facts: readonly { content: string }[]) => facts.map((f) => f.content).sort();

describe('memory profile cache', () => {
  it('reuses a profile read within the time limit, and reads again once it is up', async () => {
    let now = 1_000_000;
    const memory = new MemoryFacts(store, { profileCacheMs: 30_000, now: () => now });
    const id = await user();
    await memory.save(id, { key: 'name', type: 'profile', content: 'Name: Marco Rossi' });
    assert.deepEqual(contents(await memory.profileFacts(id)), ['Name: Marco Rossi']);
    now += 29_999;
    assert.deepEqual(contents(await memory.profileFacts(id)), ['Name: Marco Rossi']);
    assert.equal(profileReads, 1);
    now += 1;
    await memory.profileFacts(id);
    assert.equal(profileReads, 2);
  });

  it('shows a save, an update, a delete and a forget made through the service at once', async () => {
    const memory = new MemoryFacts(store, { profileCacheMs: 3_600_000, now: () => 0 });
    const id = await user();
    assert.deepEqual(contents(await memory.profileFacts(id)), []);
    await memory.save(id, { key: 'name', type: 'profile', content: 'Name: Marco Rossi' });
    assert.deepEqual(contents(await memory.profileFacts(id)), ['Name: Marco Rossi']);
    await memory.save(id, { key: 'name', type: 'profile', content: 'Name: Marco Bianchi' });
    assert.deepEqual(contents(await memory.profileFacts(id)), ['Name: Marco Bianchi']);
    const note = await memory.save(id, { content: 'Prefers WhatsApp' });
    assert.deepEqual(contents(await memory.profileFacts(id)), ['Name: Marco Bianchi', 'Prefers WhatsApp']);
    await memory.delete(id, { id: note.fact.id });
    assert.deepEqual(contents(await memory.profileFacts(id)), ['Name: Marco Bianchi']);
    await memory.forget(id);
    assert.deepEqual(contents(await memory.profileFacts(id)), []);
    // Saving an unchanged fact writes nothing and keeps the cached read.
    await memory.save(id, { key: 'name', type: 'profile', content: 'Name: Ana' });
    await memory.profileFacts(id);
    const reads = profileReads;
    await memory.save(id, { key: 'name', type: 'profile', content: 'Name: Ana' });
    await memory.profileFacts(id);
    assert.equal(profileReads, reads);
  });

  it('a change made behind its back (another replica) shows once the time limit is up', async () => {
    let now = 0;
    const memory = new MemoryFacts(store, { profileCacheMs: 30_000, now: () => now });
    const otherReplica = new MemoryFacts(store);
    const id = await user();
    assert.deepEqual(contents(await memory.profileFacts(id)), []);
    await otherReplica.save(id, { key: 'nationality', type: 'profile', content: 'Nationality: Italian' });
    assert.deepEqual(contents(await memory.profileFacts(id)), [], 'within the limit the earlier read is reused');
    now += 30_000;
    assert.deepEqual(contents(await memory.profileFacts(id)), ['Nationality: Italian']);
  });

  it('does not keep a read that overlapped a change', async () => {
    const memory = new MemoryFacts(store, { profileCacheMs: 3_600_000, now: () => 0 });
    const id = await user();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const wrapped = store.query;
    store.query = (async (sql: string, params?: unknown[]) => {
      if (/FROM memory_facts WHERE principal_id = \$1 ORDER BY updated_at DESC/.test(sql)) {
        const rows = await wrapped.call(store, sql, params);
        await held;
        return rows;
      }
      return wrapped.call(store, sql, params);
    }) as TestStore['query'];
    try {
      const stale = memory.profileFacts(id);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await memory.save(id, { key: 'name', type: 'profile', content: 'Name: Marco Rossi' });
      release();
      assert.deepEqual(contents(await stale), []);
    } finally {
      store.query = wrapped;
    }
    assert.deepEqual(contents(await memory.profileFacts(id)), ['Name: Marco Rossi']);
  });

  it('keeps at most maxCachedProfiles subjects, dropping the oldest', async () => {
    const memory = new MemoryFacts(store, { profileCacheMs: 3_600_000, maxCachedProfiles: 2, now: () => 0 });
    const [a, b, c] = [await user(), await user(), await user()];
    for (const id of [a, b, c]) await memory.profileFacts(id);
    assert.equal(profileReads, 3);
    await memory.profileFacts(c);
    await memory.profileFacts(b);
    assert.equal(profileReads, 3);
    await memory.profileFacts(a);
    assert.equal(profileReads, 4);
  });

  it('the service reuses reads for ZANTARA_MEMORY_PROFILE_CACHE_SECONDS on the runtime clock; 0 reads every time', async () => {
    const clock = fixedClock('2026-11-30T08:00:00Z');
    const cached = await createTestRuntime({
      store,
      clock,
      handlers: [],
      env: { ZANTARA_MEMORY_PROFILE_CACHE_SECONDS: '10' },
    });
    const uncached = await createTestRuntime({
      store,
      handlers: [],
      env: { ZANTARA_MEMORY_PROFILE_CACHE_SECONDS: '0' },
    });
    try {
      const id = await user();
      await cached.service(memoryService).profileFacts(id);
      await cached.service(memoryService).profileFacts(id);
      assert.equal(profileReads, 1);
      clock.advance(10_000);
      await cached.service(memoryService).profileFacts(id);
      assert.equal(profileReads, 2);
      await uncached.service(memoryService).profileFacts(id);
      await uncached.service(memoryService).profileFacts(id);
      assert.equal(profileReads, 4);
    } finally {
      await cached.close();
      await uncached.close();
    }
  });
});
