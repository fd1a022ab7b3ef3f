// The short soak inside `npm test`: every fault mode (the primary's cycle is 10 requests), one SIGKILL-and-restart, 80 turns.
// Latency and memory are reported by `npm run soak` only (a short, busy run says nothing about either).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { soakProblems } from './soak-checks.ts';
import { runSoak } from './soak-run.ts';

test('faults, kills and restarts: no failed, lost or duplicated turn, usage equal to what clients saw', {
  timeout: 600_000,
}, async () => {
  const result = await runSoak({ turns: 60, kills: 1, clients: 4, primaryTimeoutMs: 1000, fromTemplate: true });
  assert.deepEqual(soakProblems(result, { memory: false, latency: false }), []);
  assert.ok(result.answered >= 60 + 20, `answered ${result.answered}`);
  assert.ok(result.primaryRequests >= 30, 'the primary went through its fault cycle several times');
});
