/** knowledge.freshness over a small fact directory and a fixed clock (no store needed). */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../runtime/clock.ts';
import type { HandlerContext } from '../handler.ts';
import { knowledgeFreshness } from './knowledge-freshness.ts';

const dir = mkdtempSync(join(tmpdir(), 'zantara-facts-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'visas.yaml'),
  `visas:\n  - code: E33G\n    last_verified: '2026-01-10'\n  - code: C1\n    last_verified: '2025-01-01'\n`,
);
writeFileSync(join(dir, 'company.yaml'), `company:\n  name: Bali Zero\n  last_verified: '2026-03-01'\n`);

const ctx = (env: Record<string, string>) =>
  ({
    runtime: { env: { ZANTARA_KNOWLEDGE_DIR: dir, ...env }, clock: fixedClock('2026-03-31T00:00:00Z') },
  }) as unknown as HandlerContext;

describe('knowledge.freshness', () => {
  it('lists each file with its oldest and newest check and flags entries older than the configured age', async () => {
    const report = await knowledgeFreshness.run(
      { max_age_days: undefined },
      ctx({ ZANTARA_KNOWLEDGE_MAX_AGE_DAYS: '60' }),
    );
    assert.equal(report.max_age_days, 60);
    assert.deepEqual(
      report.files.map((f) => [f.file, f.entries, f.oldest, f.newest, f.stale_count]),
      [
        ['company.yaml', 1, '2026-03-01', '2026-03-01', 0],
        ['visas.yaml', 2, '2025-01-01', '2026-01-10', 2],
      ],
    );
    assert.deepEqual(
      report.files[1].stale.map((e) => [e.label, e.age_days]),
      [
        ['E33G', 80],
        ['C1', 454],
      ],
    );
    const strict = await knowledgeFreshness.run({ max_age_days: 100 }, ctx({}));
    assert.equal(strict.stale_total, 1);
    assert.equal((await knowledgeFreshness.run({ max_age_days: undefined }, ctx({}))).max_age_days, 180);
  });
});
