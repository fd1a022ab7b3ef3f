import { z } from 'zod';
import { listAuditEntries } from '../../analytics/audit-log.ts';
import { periodBound, resolvePeriod } from '../../analytics/period.ts';
import { defineHandler } from '../handler.ts';

export const auditList = defineHandler({
  key: 'audit.list',
  category: 'admin',
  description:
    'The audit trail of every write and send: who (principal), which handler, when, outcome and error code, newest first. Filter by principal, handler (exact key or a prefix like "identity.*"), outcome and period; page with next_cursor.',
  input: z.object({
    principal_id: z.uuid().optional().describe('Only calls made by this principal'),
    handler: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[a-z0-9_.]+(\.\*)?$/, 'a handler key, or a prefix ending in .*')
      .optional()
      .describe('Handler key (keys.create) or category prefix with .* (identity.*)'),
    outcome: z.enum(['ok', 'error']).optional().describe('Only successful (ok) or failed (error) calls'),
    error_code: z
      .string()
      .trim()
      .max(100)
      .optional()
      .describe('Only failures with this error code, e.g. contact_conflict'),
    from: periodBound
      .optional()
      .describe('Start of the period, a date (YYYY-MM-DD, local midnight) or ISO date-time; default 30 days ago'),
    to: periodBound
      .optional()
      .describe('End of the period, a date (inclusive, whole day) or ISO date-time; default now'),
    limit: z.number().int().min(1).max(200).default(50).describe('Entries per page (1–200)'),
    cursor: z
      .string()
      .regex(/^\d{1,18}$/)
      .optional()
      .describe('next_cursor from the previous page'),
  }),
  output: z.object({
    period: z.object({ from: z.string(), to: z.string() }),
    count: z.number().int(),
    entries: z.array(
      z.object({
        id: z.string(),
        at: z.string(),
        principal_id: z.string().nullable(),
        principal_name: z.string().nullable(),
        role: z.string().nullable(),
        handler_key: z.string(),
        effect: z.string(),
        outcome: z.string(),
        error_code: z.string().nullable(),
        request_id: z.string().nullable(),
        duration_ms: z.number(),
      }),
    ),
    next_cursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Failed writes and sends in the last 30 days', params: { outcome: 'error' } },
    {
      description: 'Chi ha creato chiavi API a marzo?',
      params: { handler: 'keys.*', from: '2026-03-01', to: '2026-03-31' },
    },
  ],
  async run(input, ctx) {
    const period = resolvePeriod(input, ctx.runtime.clock.now(), { defaultDays: 30, maxDays: 3660 });
    const { entries, next_cursor } = await listAuditEntries(ctx.runtime.store, {
      ...input,
      from: period.from,
      to: period.to,
    });
    return {
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      count: entries.length,
      entries,
      next_cursor,
    };
  },
});
