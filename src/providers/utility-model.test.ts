import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { explicitUtilityModel, utilityModelFromEnv } from './utility-model.ts';

describe('utility model', () => {
  it('defaults to the first configured provider, but per-turn jobs use a model only when ZANTARA_UTILITY_MODEL names one', () => {
    const env = { ANTHROPIC_API_KEY: 'test-anthropic-key' };
    assert.equal(utilityModelFromEnv(env)?.id.split(':')[0], 'anthropic');
    assert.equal(explicitUtilityModel(env), undefined);
    assert.equal(
      explicitUtilityModel({ ...env, ZANTARA_UTILITY_MODEL: 'anthropic:claude-small' })?.id,
      'anthropic:claude-small',
    );
    assert.equal(explicitUtilityModel({ ...env, ZANTARA_UTILITY_MODEL: 'none' }), undefined);
  });
});
