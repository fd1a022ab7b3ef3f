/**
 * Keeps one of `process.nextTick`'s queue entries alive for the life of the process, so that nextTick stays fast.
 *
 * Why: nextTick builds each queue entry with an object literal whose symbol keys are added one at a time, each
 * through an inline cache that remembers the object's hidden class ("map") only weakly. If a full garbage collection
 * runs while no entry is alive, V8 drops those maps; the caches then see new ones, turn megamorphic and stay so, and
 * every later nextTick builds its entry through V8's runtime. PGlite's start-up does exactly this: loading the
 * pgvector and unaccent bundles calls nextTick a few times, then collects. Without the anchor, a bare POST served
 * from the same process cost 20–34% more CPU, and `/call` 14% more (BENCHMARKS.md, fourth pass); one live entry keeps
 * its map, and through it the chain of maps the caches point at.
 *
 * `src/main.ts` imports this module first, before anything else has called nextTick.
 */
import { createHook } from 'node:async_hooks';

/** A nextTick queue entry captured at start-up, or `undefined` if this Node no longer reports them as `TickObject`. */
export const anchoredTickObject: object | undefined = captureTickObject();

function captureTickObject(): object | undefined {
  let captured: object | undefined;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject') captured ??= resource;
    },
  });
  hook.enable();
  process.nextTick(() => {});
  hook.disable();
  return captured;
}
