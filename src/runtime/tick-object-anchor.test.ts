import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { anchoredTickObject } from './tick-object-anchor.ts';

const anchorUrl = new URL('./tick-object-anchor.ts', import.meta.url).href;

/**
 * Runs a fresh Node that calls nextTick, collects garbage with no tick queued (what PGlite's start-up does), calls
 * nextTick again, and prints the states of the inline caches nextTick builds its queue entries with (V8's
 * `%DebugPrint` of the function lists them as `DefineKeyedOwnPropertyInLiteral` slots).
 */
async function literalCacheStates(withAnchor: boolean): Promise<string[]> {
  const script = `
    ${withAnchor ? `await import(${JSON.stringify(anchorUrl)});` : ''}
    for (let i = 0; i < 50; i++) await new Promise((resolve) => process.nextTick(resolve));
    globalThis.gc();
    for (let i = 0; i < 50; i++) await new Promise((resolve) => process.nextTick(resolve));
    %DebugPrint(process.nextTick);`;
  const { stdout } = await promisify(execFile)(process.execPath,
    ['--allow-natives-syntax', '--expose-gc', '--input-type=module', '-e', script], { timeout: 30_000, maxBuffer: 16 << 20 });
  return [...stdout.matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((match) => match[1]);
}

describe('tick-object anchor', () => {
  it('holds a real nextTick queue entry', () => {
    assert.ok(anchoredTickObject, 'this Node reported no TickObject to async_hooks');
    assert.equal(typeof (anchoredTickObject as { callback?: unknown }).callback, 'function');
    assert.ok(Object.getOwnPropertySymbols(anchoredTickObject).length >= 2, 'a queue entry carries its async ids under symbols');
  });

  it("keeps nextTick's inline caches monomorphic through a full collection that spoils them without it", async () => {
    const [without, withAnchor] = await Promise.all([literalCacheStates(false), literalCacheStates(true)]);
    assert.ok(without.length >= 4 && withAnchor.length === without.length, `unexpected %DebugPrint output: ${without} / ${withAnchor}`);
    // If this fails on a newer Node, V8 or nextTick changed: re-measure (BENCHMARKS.md) and drop the anchor if unneeded.
    assert.ok(without.includes('MEGAMORPHIC'), `without the anchor the caches stayed ${without.join(', ')}`);
    assert.deepEqual(withAnchor.filter((state) => state !== 'MONOMORPHIC'), [], `with the anchor: ${withAnchor.join(', ')}`);
  });
});
