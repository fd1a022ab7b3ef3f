/**
 * `npm run bench:memory`: memory.search and memory.list p50/p95 for one user holding 10,000 facts among 1,000 users
 * (the others hold 10 each), on PGlite, through the memory service (the SQL the handlers run), against a
 * sequential-scan baseline of the same search measured in the same run.
 * Options: --users N (default 1000), --facts N (facts of the big user, default 10000), --queries N (default 200).
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createPgliteStore } from '../src/store/pglite-store.ts';
import { migrate } from '../src/store/migrate.ts';
import { MemoryFacts } from '../src/memory/memory-facts.ts';
import { percentile, prng, syntheticVocabulary } from './bench-stats.ts';

const { values: opts } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    facts: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '200' },
  },
});
const USERS = Number(opts.users);
const FACTS = Number(opts.facts);
const QUERIES = Number(opts.queries);

const rand = prng(7);
const { word } = syntheticVocabulary(rand, 5000);
const factText = () => Array.from({ length: 8 + Math.floor(rand() * 20) }, word).join(' ');

const ms = (x: number) => `${x.toFixed(2)} ms`;

async function measure(queries: string[], fn: (q: string) => Promise<unknown>): Promise<number[]> {
  for (const q of queries.slice(0, 10)) await fn(q);
  const out: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    await fn(q);
    out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  console.log(
    `memory bench — ${new Date().toISOString()} — node ${process.version} — ${cpus()[0]?.model} ×${cpus().length} — ${USERS} users, ${FACTS} facts for one user, 10 for each other user`,
  );
  const store = await createPgliteStore();
  await migrate(store);
  const users = Array.from({ length: USERS }, () => randomUUID());
  await store.query(
    `INSERT INTO principals (id, role, display_name) SELECT u, 'client', 'bench' FROM unnest($1::uuid[]) AS u`,
    [users],
  );
  const insert = async (owner: string[], texts: string[]) =>
    store.query(
      `INSERT INTO memory_facts (id, principal_id, type, content) SELECT gen_random_uuid(), p, 'note', c FROM unnest($1::uuid[], $2::text[]) AS t(p, c)`,
      [owner, texts],
    );
  const t0 = performance.now();
  for (let i = 0; i < FACTS; i += 2000) {
    const n = Math.min(2000, FACTS - i);
    await insert(Array(n).fill(users[0]), Array.from({ length: n }, factText));
  }
  for (let i = 1; i < USERS; i += 200) {
    const slice = users.slice(i, i + 200);
    await insert(
      slice.flatMap((u) => Array(10).fill(u)),
      Array.from({ length: slice.length * 10 }, factText),
    );
  }
  const loadMs = performance.now() - t0;
  await store.query('ANALYZE');
  const total = (await store.query<{ n: number }>('SELECT count(*)::int AS n FROM memory_facts')).rows[0].n;
  console.log(
    `| load | ${total} facts in ${(loadMs / 1000).toFixed(1)} s | ${Math.round(total / (loadMs / 1000))} facts/s (bulk insert) |`,
  );

  const memory = new MemoryFacts(store);
  const queries = Array.from({ length: QUERIES }, () =>
    Array.from({ length: 1 + Math.floor(rand() * 3) }, word).join(' '),
  );
  const big = await measure(queries, (q) => memory.search(users[0], q, { limit: 10 }));
  const small = await measure(queries, (q) => memory.search(users[USERS - 1], q, { limit: 10 }));
  const list = await measure(queries.slice(0, 100), () => memory.list(users[0], { limit: 50 }));
  await store.query('SET enable_bitmapscan = off');
  await store.query('SET enable_indexscan = off');
  const seq = await measure(queries, (q) => memory.search(users[0], q, { limit: 10 }));
  await store.query('RESET enable_bitmapscan');
  await store.query('RESET enable_indexscan');
  const singleSave = await measure(queries.slice(0, 100), (q) => memory.save(users[1], { content: q, type: 'note' }));
  console.log(
    `| memory.search, user with ${FACTS} facts | p50 ${ms(percentile(big, 50))} | p95 ${ms(percentile(big, 95))} |`,
  );
  console.log(
    `| memory.search, user with 10 facts | p50 ${ms(percentile(small, 50))} | p95 ${ms(percentile(small, 95))} |`,
  );
  console.log(
    `| baseline: same memory.search, sequential scan, user with ${FACTS} facts | p50 ${ms(percentile(seq, 50))} | p95 ${ms(percentile(seq, 95))} |`,
  );
  console.log(
    `| memory.list (50 newest), user with ${FACTS} facts | p50 ${ms(percentile(list, 50))} | p95 ${ms(percentile(list, 95))} |`,
  );
  console.log(
    `| memory.save (one fact, own transaction) | p50 ${ms(percentile(singleSave, 50))} | p95 ${ms(percentile(singleSave, 95))} |`,
  );
  await store.close();
}

await main();
