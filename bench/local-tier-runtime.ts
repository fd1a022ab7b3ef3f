/**
 * The runtime both local-tier benchmarks measure: real handlers on a PGlite clone, rate limits out of the way, a
 * client principal, and a running total of the time spent inside handlers (around `registry.call`), so a benchmark
 * can report the tier's own time beside the total.
 */
import type { CallOptions, Registry } from '../src/handlers/registry.ts';
import { createTestPglite } from '../src/testing/test-stores.ts';
import { createTestRuntime } from '../src/testing/test-runtime.ts';

export async function openLocalTierBench() {
  const store = await createTestPglite();
  const rt = await createTestRuntime({
    store,
    env: { LOG_LEVEL: 'warn', ZANTARA_RATE_LIMITS: 'read=100000000/60,write=100000000/60,send=100000000/60' },
  });
  const { principal } = await rt.key('client');
  const handlerMs = { value: 0 };
  const call = rt.registry.call.bind(rt.registry) as (
    key: string,
    params: unknown,
    options: CallOptions,
  ) => Promise<unknown>;
  rt.registry.call = (async (key: string, params: unknown, options: CallOptions) => {
    const t0 = performance.now();
    try {
      return await call(key, params, options);
    } finally {
      handlerMs.value += performance.now() - t0;
    }
  }) as Registry['call'];
  return {
    rt,
    principal,
    handlerMs,
    async close(): Promise<void> {
      await rt.close();
      await store.close();
    },
  };
}
