import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TickBatchedDestination } from './tick-batched-destination.ts';

function sink() {
  const writes: string[] = [];
  let syncFlushes = 0;
  return { writes, get syncFlushes() { return syncFlushes; }, write: (data: string) => { writes.push(data); }, flushSync: () => { syncFlushes++; } };
}

describe('TickBatchedDestination', () => {
  it('hands the lines of one turn of the event loop to the sink as one write, in order', async () => {
    const s = sink();
    const destination = new TickBatchedDestination(s);
    destination.write('a\n');
    destination.write('b\n');
    destination.write('c\n');
    assert.deepEqual(s.writes, []);
    await nextTurn();
    assert.deepEqual(s.writes, ['a\nb\nc\n']);
  });

  it('writes a lone line at the end of its own turn, without waiting for more', async () => {
    const s = sink();
    const destination = new TickBatchedDestination(s);
    destination.write('one\n');
    await nextTurn();
    destination.write('two\n');
    await nextTurn();
    assert.deepEqual(s.writes, ['one\n', 'two\n']);
  });

  it('flushSync writes what is gathered and flushes the sink at once', () => {
    const s = sink();
    const destination = new TickBatchedDestination(s);
    destination.write('x\n');
    destination.write('y\n');
    destination.flushSync();
    assert.deepEqual(s.writes, ['x\ny\n']);
    assert.equal(s.syncFlushes, 1);
  });

  it('loses nothing when lines arrive while a hand-over is pending or after a flushSync', async () => {
    const s = sink();
    const destination = new TickBatchedDestination(s);
    destination.write('1\n');
    destination.flushSync();
    destination.write('2\n');
    await nextTurn();
    await nextTurn();
    assert.equal(s.writes.join(''), '1\n2\n');
  });
});
