import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseEnv } from '../../config/env.ts';
import { knowledgeEnv } from '../../knowledge/knowledge-service.ts';
import { defineHandler } from '../handler.ts';

const freshnessEnv = z.object({
  ZANTARA_KNOWLEDGE_MAX_AGE_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(180)
    .describe('Fact entries verified longer ago than this many days are flagged as stale'),
});

type Entry = { path: string; label: string; last_verified: string };

/** Every object with a `last_verified` date in a parsed fact file, with a readable path and label. */
function datedEntries(value: unknown, path: string, out: Entry[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => datedEntries(v, `${path}[${i}]`, out));
    return;
  }
  if (!value || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (typeof record.last_verified === 'string') {
    const label = [record.id, record.code, record.name, record.title].find(
      (v) => typeof v === 'string' || typeof v === 'number',
    );
    out.push({ path, label: String(label ?? path), last_verified: record.last_verified });
  }
  for (const [k, v] of Object.entries(record))
    if (v && typeof v === 'object') datedEntries(v, path ? `${path}.${k}` : k, out);
}

export const knowledgeFreshness = defineHandler({
  key: 'knowledge.freshness',
  category: 'admin',
  description:
    'How fresh the fact files are (staff): per file the oldest and newest last_verified date and its entries ' +
    'verified ' +
    'longer ago than max_age_days (default ZANTARA_KNOWLEDGE_MAX_AGE_DAYS, 180), flagged as stale.',
  input: z.object({
    max_age_days: z.number().int().min(1).max(3650).optional().describe('Flag entries verified longer ago than this'),
  }),
  output: z.object({
    max_age_days: z.number().int(),
    files: z.array(
      z.object({
        file: z.string(),
        entries: z.number().int(),
        oldest: z.string().nullable(),
        newest: z.string().nullable(),
        oldest_age_days: z.number().int().nullable(),
        stale_count: z.number().int(),
        stale: z
          .array(
            z.object({ path: z.string(), label: z.string(), last_verified: z.string(), age_days: z.number().int() }),
          )
          .describe('At most 50'),
      }),
    ),
    stale_total: z.number().int(),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Which facts need checking?', params: {} },
    { description: 'Fakta yang lebih tua dari 90 hari', params: { max_age_days: 90 } },
  ],
  async run(input, ctx) {
    const dir = parseEnv(knowledgeEnv, ctx.runtime.env).ZANTARA_KNOWLEDGE_DIR;
    const maxAge = input.max_age_days ?? parseEnv(freshnessEnv, ctx.runtime.env).ZANTARA_KNOWLEDGE_MAX_AGE_DAYS;
    const now = ctx.runtime.clock.now().getTime();
    const ageDays = (date: string) => Math.floor((now - Date.parse(date)) / 86_400_000);
    const files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((file) => {
        const entries: Entry[] = [];
        datedEntries(parse(readFileSync(join(dir, file), 'utf8')), '', entries);
        const dates = entries.map((e) => e.last_verified).sort();
        const stale = entries
          .filter((e) => ageDays(e.last_verified) > maxAge)
          .map((e) => ({ ...e, age_days: ageDays(e.last_verified) }));
        return {
          file,
          entries: entries.length,
          oldest: dates[0] ?? null,
          newest: dates.at(-1) ?? null,
          oldest_age_days: dates[0] ? ageDays(dates[0]) : null,
          stale_count: stale.length,
          stale: stale.slice(0, 50),
        };
      });
    return { max_age_days: maxAge, files, stale_total: files.reduce((n, f) => n + f.stale_count, 0) };
  },
});
