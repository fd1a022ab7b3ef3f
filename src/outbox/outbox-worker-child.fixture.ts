/**
 * Test fixture: a separate process running one outbox worker against the store in its environment
 * (DATABASE_URL + DATABASE_SCHEMA, or ZANTARA_DATA_DIR), until no message is pending or sending.
 * Prints `delivered <n>` when done. Used by the crash and multi-worker tests (they kill or race it).
 */
import { createZantara } from '../composition/zantara.ts';
import { OutboxWorker } from './outbox-worker.ts';

const runtime = await createZantara({ env: process.env, handlers: [] });
const worker = new OutboxWorker(runtime, { id: `child-${process.pid}` });
const deadline = Date.now() + Number(process.env.CHILD_MAX_MS ?? 60_000);
let delivered = 0;
process.stdout.write(`ready ${process.pid}\n`);
while (Date.now() < deadline) {
  delivered += await worker.runOnce();
  const { rows } = await runtime.store.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox WHERE status IN ('pending', 'sending')`,
  );
  if (rows[0].n === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
process.stdout.write(`delivered ${delivered}\n`);
await runtime.close();
