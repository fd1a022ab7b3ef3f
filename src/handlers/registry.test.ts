import { after, before, describe, it } from 'node:test';
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
      key: 'test.bad', category: 'admin', description: 'short', effect: 'read', roles: ['admin'], examples: [],
      input: z.object({ q: z.string() }),
      async run() { return null; },
    });
    const problems = lintHandler(bad);
    assert.ok(problems.some((p) => p.includes('"q" has no description')), problems.join());
    assert.ok(problems.some((p) => p.includes('two examples')));
    assert.ok(problems.some((p) => p.includes('description missing')));
  });
});
