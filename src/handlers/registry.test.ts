import { after, before, describe, it } from 'node:test';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { defineHandler } from './handler.ts';
import { catalog } from '../composition/handlers.ts';
import { lintHandler } from './lint-handler.ts';
import { keyForToolName, toolNameForKey, TOOL_NAME_PATTERN } from './tool-names.ts';

describe('handler declarations', () => {
  it('every handler in the catalogue is fully declared', () => {
    for (const handler of catalog) assert.deepEqual(lintHandler(handler), [], handler.key);
  });

  it('keys are unique and map to valid, reversible tool names', () => {
    const keys = catalog.map((h) => h.key);
    assert.equal(new Set(keys).size, keys.length);
    for (const key of [...keys, 'team.recent_activity', 'a_b.c_d.e_f']) {
      const name = toolNameForKey(key);
      assert.match(name, TOOL_NAME_PATTERN);
      assert.equal(keyForToolName(name), key);
    }
  });

  it('lint reports a missing field description, missing examples and a short description', () => {
    const bad = defineHandler({
      key: 'test.bad',
      category: 'admin',
      description: 'short',
      effect: 'read',
      roles: ['admin'],
      examples: [],
      input: z.object({ q: z.string() }),
      async run() {
        return null;
      },
    });
    const problems = lintHandler(bad);
    assert.ok(
      problems.some((p) => p.includes('"q" has no description')),
      problems.join(),
    );
    assert.ok(problems.some((p) => p.includes('two examples')));
    assert.ok(problems.some((p) => p.includes('description missing')));
  });
});

// Three small handlers: one whose result matches its output schema, one that breaks its schema, one that calls another.
const meta = {
  category: 'admin' as const,
  effect: 'read' as const,
  roles: ['admin'] as const,
  examples: [
    { description: 'Double 2', params: { n: 2 } },
    { description: 'Raddoppia 3', params: { n: 3 } },
  ],
  input: z.object({ n: z.number().int().describe('A number') }),
};
const double = defineHandler({
  key: 'test.double',
  aliases: ['test.twice'],
  description: 'Doubles a number (registry test handler).',
  ...meta,
  output: z.object({ doubled: z.number() }),
  async run(input) {
    return { doubled: input.n * 2 };
  },
});
const liar = defineHandler({
  key: 'test.liar',
  description: 'Returns a string where its schema says number.',
  ...meta,
  output: z.object({ doubled: z.number() }),
  async run(input) {
    return { doubled: String(input.n) } as unknown as { doubled: number };
  },
});
const quadruple = defineHandler({
  key: 'test.quadruple',
  description: 'Doubles twice by calling test.double by reference.',
  ...meta,
  output: z.object({ quadrupled: z.number() }),
  async run(input, ctx) {
    const once = await ctx.call(double, { n: input.n });
    const twice = await ctx.call(double, { n: once.doubled }); // typed: no cast
    return { quadrupled: twice.doubled };
  },
});

describe('the registry', () => {
  let store: TestStore;
  let rt: TestRuntime;
  before(async () => {
    store = await createTestPglite();
    rt = await createTestRuntime({ store, handlers: [double, liar, quadruple] });
  });
  after(async () => {
    await rt.close();
    await store.close();
  });

  it('resolves a former key (alias) to the handler; lists show only the new key', async () => {
    const { principal } = await rt.key('admin');
    assert.deepEqual(await rt.registry.call('test.twice', { n: 4 }, { principal }), { doubled: 8 });
    assert.equal(rt.registry.get('test.twice')?.key, 'test.double');
    assert.deepEqual(
      rt.registry.list().map((h) => h.key),
      ['test.double', 'test.liar', 'test.quadruple'],
    );
  });

  it('calls by reference, typed end to end', async () => {
    const { principal } = await rt.key('admin');
    const result = await rt.registry.call(quadruple, { n: 3 }, { principal });
    assert.equal(result.quadrupled, 12);
  });

  it('fails a result that does not match the declared output (outside production)', async () => {
    const { principal } = await rt.key('admin');
    await assert.rejects(rt.registry.call(liar, { n: 1 }, { principal }), { code: 'internal_error' });
  });

  it('publishes the output JSON Schema in the handler info', () => {
    const info = rt.registry.info('test.double');
    assert.deepEqual(info.output?.properties, { doubled: { type: 'number' } });
    assert.equal(rt.registry.info('test.twice').key, 'test.double');
  });
});

describe('declared outputs of the catalogue', () => {
  it('every handler declares its output, and it converts to JSON Schema', () => {
    for (const handler of catalog) {
      assert.ok(handler.output, `${handler.key} declares no output schema`);
      assert.doesNotThrow(() => z.toJSONSchema(handler.output!, { io: 'output', unrepresentable: 'any' }), handler.key);
    }
  });
});
