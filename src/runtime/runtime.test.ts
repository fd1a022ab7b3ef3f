import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createRuntime, type Runtime } from './runtime.ts';
import { definePort, defineService } from './service.ts';

describe('the runtime kernel', () => {
  let store: TestStore;
  let runtime: Runtime;
  before(async () => {
    store = await createTestPglite();
    runtime = await createRuntime({ env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' }, store });
  });
  after(async () => {
    await runtime.close();
    await store.close();
  });

  it('builds a service once per runtime', () => {
    let built = 0;
    const counter = defineService('test.counter', () => ({ n: ++built }));
    assert.equal(runtime.service(counter), runtime.service(counter));
    assert.equal(built, 1);
  });

  it('a port is whatever the composition root provides', () => {
    const greeting = definePort<(name: string) => string>('greeting');
    runtime.provide(greeting, (name) => `halo ${name}`);
    assert.equal(runtime.service(greeting)('Dea'), 'halo Dea');
  });

  it('an unfilled port names itself and the composition root', () => {
    const missing = definePort<number>('test answer');
    assert.throws(
      () => runtime.service(missing),
      /No test answer: the composition root \(src\/composition\/\) provides it/,
    );
  });

  it('a service already in use cannot be replaced', () => {
    const used = defineService('test.used', () => 1);
    runtime.service(used);
    assert.throws(() => runtime.provide(used, 2), /already in use/);
  });
});
