import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { defineHandler } from './handler.ts';
import { lintHandler } from './lint-handler.ts';
import { deepFreeze, isKeptResult, PureResults } from './pure-results.ts';
import { handlers as businessHandlers } from './business/index.ts';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';

// A pure test handler that counts its runs, and the same handler without the flag.
let runs = 0;
const declaration = {
  category: 'admin' as const,
  description: 'Doubles a number and counts its runs, for the kept-results tests.',
  effect: 'read' as const,
  roles: ['admin', 'staff'] as const,
  input: z.object({
    n: z.number().int().max(1000).describe('A number'),
    note: z.string().max(20).optional().describe('Ignored text'),
  }),
  examples: [
    { description: 'Double 2', params: { n: 2 } },
    { description: 'Raddoppia 3', params: { n: 3 } },
  ],
  async run(input: { n: number }) {
    runs++;
    if (input.n < 0) throw new Error('negative');
    return { doubled: input.n * 2, nested: { list: [input.n] } };
  },
};
const pureDouble = defineHandler({ key: 'test.pure_double', pure: true, ...declaration });
const plainDouble = defineHandler({ key: 'test.plain_double', ...declaration });

let store: TestStore;
let rt: TestRuntime;
let staff: Awaited<ReturnType<TestRuntime['key']>>;
let client: Awaited<ReturnType<TestRuntime['key']>>;
before(async () => {
  store = await createTestPglite();
});
after(async () => {
  await rt?.close();
  await store.close();
});
beforeEach(async () => {
  await rt?.close();
  await store.reset();
  rt = await createTestRuntime({
    store,
    handlers: [pureDouble, plainDouble, ...businessHandlers],
    env: { ZANTARA_RATE_LIMITS: 'read=5/60' },
  });
  staff = await rt.key('staff');
  client = await rt.key('client');
  runs = 0;
});

describe('results of pure handlers', () => {
  it('a repeated input is answered from the kept, frozen result; another input runs the handler', async () => {
    const first = (await rt.registry.call('test.pure_double', { n: 2 }, { principal: staff.principal })) as {
      doubled: number;
      nested: { list: number[] };
    };
    const second = await rt.registry.call('test.pure_double', { n: 2 }, { principal: staff.principal });
    assert.equal(runs, 1);
    assert.equal(second, first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.nested) && Object.isFrozen(first.nested.list));
    assert.throws(() => {
      first.nested.list.push(9);
    }, TypeError);
    await rt.registry.call('test.pure_double', { n: 3 }, { principal: staff.principal });
    assert.equal(runs, 2);
    assert.match(
      await rt.metrics.registry.metrics(),
      /zantara_handler_results_reused_total\{key="test.pure_double"\} 1/,
    );
    assert.match(
      await rt.metrics.registry.metrics(),
      /zantara_handler_calls_total\{key="test.pure_double",outcome="ok"\} 3/,
    );
  });

  it('roles, validation and the rate limit still apply to every call', async () => {
    await rt.registry.call('test.pure_double', { n: 2 }, { principal: staff.principal });
    await assert.rejects(rt.registry.call('test.pure_double', { n: 2 }, { principal: client.principal }), {
      code: 'forbidden',
    });
    await assert.rejects(rt.registry.call('test.pure_double', { n: 2, extra: true }, { principal: staff.principal }), {
      code: 'invalid_params',
    });
    for (let i = 0; i < 4; i++) await rt.registry.call('test.pure_double', { n: 2 }, { principal: staff.principal });
    await assert.rejects(rt.registry.call('test.pure_double', { n: 2 }, { principal: staff.principal }), {
      code: 'rate_limited',
    });
    assert.equal(runs, 1);
  });

  it('failures are not kept, and handlers without the flag always run', async () => {
    await assert.rejects(rt.registry.call('test.pure_double', { n: -1 }, { principal: staff.principal }), {
      code: 'internal_error',
    });
    await assert.rejects(rt.registry.call('test.pure_double', { n: -1 }, { principal: staff.principal }), {
      code: 'internal_error',
    });
    assert.equal(runs, 2);
    const a = await rt.registry.call('test.plain_double', { n: 2 }, { principal: staff.principal });
    const b = await rt.registry.call('test.plain_double', { n: 2 }, { principal: staff.principal });
    assert.equal(runs, 4);
    assert.notEqual(a, b);
    assert.equal(Object.isFrozen(a), false);
  });

  it('over HTTP, a kept result is sent with exactly the bytes a fresh run gives', async () => {
    const body = { key: 'bali.zero.pricing', params: { service_type: 'kitas', specific_service: 'working kitas' } };
    const first = await rt.request('/call', { key: staff.key, body });
    const second = await rt.request('/call', { key: staff.key, body });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'application/json');
    const [a, b] = [await first.text(), await second.text()];
    assert.equal(b, a);
    const pricing = businessHandlers.find((h) => h.key === 'bali.zero.pricing')!;
    const fresh = await pricing.run(pricing.input.parse(body.params), {
      principal: staff.principal,
      runtime: rt,
      requestId: 'r',
      call: () => Promise.reject(new Error('unused')),
    });
    assert.equal(a, JSON.stringify({ ok: true, data: fresh }));
  });

  it('keeps at most its limit per handler, dropping the least recently used', () => {
    const kept = new PureResults(2);
    kept.set('h', 'a', { v: 1 });
    kept.set('h', 'b', { v: 2 });
    assert.deepEqual(kept.get('h', 'a'), { v: 1 }); // a is now the most recent
    kept.set('h', 'c', { v: 3 });
    assert.equal(kept.size('h'), 2);
    assert.equal(kept.get('h', 'b'), undefined);
    assert.deepEqual(kept.get('h', 'a'), { v: 1 });
    assert.deepEqual(deepFreeze([{ x: [1] }]), [{ x: [1] }]);
    // Only results kept here count as kept (their encoded bytes may be reused); any other frozen object does not.
    assert.equal(isKeptResult(kept.get('h', 'a')), true);
    assert.equal(isKeptResult(Object.freeze({ v: 1 })), false);
  });

  it('only a read handler may be declared pure', () => {
    const problems = lintHandler({ ...pureDouble, key: 'test.pure_write', effect: 'write' });
    assert.ok(problems.includes('only a read handler can be pure'), problems.join());
  });
});
