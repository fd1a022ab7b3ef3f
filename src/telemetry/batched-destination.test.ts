import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchedDestination } from './batched-destination.ts';

function sink() {
  const writes: string[] = [];
  let syncFlushes = 0;
  return { writes, get syncFlushes() { return syncFlushes; }, write: (data: string) => { writes.push(data); }, flushSync: () => { syncFlushes++; } };
}

describe('BatchedDestination', () => {
  it('writes the lines gathered within maxDelayMs as one write, in order, once the delay has passed', async () => {
    const s = sink();
    const destination = new BatchedDestination(s, { maxDelayMs: 200, maxChars: 1000 });
    destination.write('a\n');
    destination.write('b\n');
    await sleep(1);
    destination.write('c\n');
    assert.deepEqual(s.writes, []);
    await sleep(400);
    assert.deepEqual(s.writes, ['a\nb\nc\n']);
  });

  it('writes a lone line after maxDelayMs without waiting for more, and starts a new batch after it', async () => {
    const s = sink();
    const destination = new BatchedDestination(s, { maxDelayMs: 5, maxChars: 1000 });
    destination.write('one\n');
    await sleep(100);
    assert.deepEqual(s.writes, ['one\n']);
    destination.write('two\n');
    await sleep(100);
    assert.deepEqual(s.writes, ['one\n', 'two\n']);
  });

  it('writes at once when maxChars are gathered, and the timer then has nothing left to write', async () => {
    const s = sink();
    const destination = new BatchedDestination(s, { maxDelayMs: 10, maxChars: 10 });
    destination.write('12345\n');
    assert.deepEqual(s.writes, []);
    destination.write('67890\n');
    assert.deepEqual(s.writes, ['12345\n67890\n']);
    await sleep(100);
    assert.deepEqual(s.writes, ['12345\n67890\n']);
  });

  it('flushSync writes what is gathered and flushes the sink at once', () => {
    const s = sink();
    const destination = new BatchedDestination(s, { maxDelayMs: 10_000, maxChars: 1000 });
    destination.write('x\n');
    destination.write('y\n');
    destination.flushSync();
    assert.deepEqual(s.writes, ['x\ny\n']);
    assert.equal(s.syncFlushes, 1);
  });

  it('loses nothing when lines arrive after a flushSync', async () => {
    const s = sink();
    const destination = new BatchedDestination(s, { maxDelayMs: 5, maxChars: 1000 });
    destination.write('1\n');
    destination.flushSync();
    destination.write('2\n');
    await sleep(100);
    assert.equal(s.writes.join(''), '1\n2\n');
  });

  it('does not keep the process alive while a batch waits (the exit flush writes it)', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `import { BatchedDestination } from ${JSON.stringify(new URL('./batched-destination.ts', import.meta.url).pathname)};
      const d = new BatchedDestination({ write: (s) => process.stdout.write('wrote:' + s), flushSync() {} }, { maxDelayMs: 60000, maxChars: 1000 });
      process.once('exit', () => d.flushSync());
      d.write('last line\\n');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'wrote:last line\n'); // exited on its own, well before the 60 s timer
  });
});
