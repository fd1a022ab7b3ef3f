import { z } from 'zod';
import { periodBound, resolvePeriod } from '../../analytics/period.ts';
import { defineHandler } from '../handler.ts';

/** Escapes LIKE wildcards so a key prefix matches literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const auditList = defineHandler({
  key: 'audit.list',
  category: 'admin',
  description: 'The audit trail of every write and send: who (principal), which handler, when, outcome and error code, newest first. Filter by principal, handler (exact key or a prefix like "identity.*"), outcome and period; page with next_cursor.',
  input: z.object({
    principal_id: z.uuid().optional().describe('Only calls made by this principal'),
    handler: z.string().trim().min(1).max(200).regex(/^[a-z0-9_.]+(\.\*)?$/, 'a handler key, or a prefix ending in .*').optional()
      .describe('Handler key (keys.create) or category prefix with .* (identity.*)'),
    outcome: z.enum(['ok', 'error']).optional().describe('Only successful (ok) or failed (error) calls'),
    error_code: z.string().trim().max(100).optional().describe('Only failures with this error code, e.g. contact_conflict'),
    from: periodBound.optional().describe('Start of the period, a date (YYYY-MM-DD, local midnight) or ISO date-time; default 30 days ago'),
    to: periodBound.optional().describe('End of the period, a date (inclusive, whole day) or ISO date-time; default now'),
    limit: z.number().int().min(1).max(200).default(50).describe('Entries per page (1–200)'),
    cursor: z.string().regex(/^\d{1,18}$/).optional().describe('next_cursor from the previous page'),
  }),
  output: z.object({
    period: z.object({ from: z.string(), to: z.string() }),
    count: z.number().int(),
    entries: z.array(z.object({
      id: z.string(), at: z.string(), principal_id: z.string().nullable(), principal_name: z.string().nullable(), role: z.string().nullable(),
      handler_key: z.string(), effect: z.string(), outcome: z.string(), error_code: z.string().nullable(), request_id: z.string().nullable(),
      duration_ms: z.number(),
    })),
    next_cursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Failed writes and sends in the last 30 days', params: { outcome: 'error' } },
    { description: 'Chi ha creato chiavi API a marzo?', params: { handler: 'keys.*', from: '2026-03-01', to: '2026-03-31' } },
  ],
  async run(input, ctx) {
    const period = resolvePeriod(input, ctx.runtime.clock.now(), { defaultDays: 30, maxDays: 3660 });
    const where = ['a.at >= $1', 'a.at < $2'];
    const params: unknown[] = [period.from.toISOString(), period.to.toISOString()];
    const add = (sql: string, value: unknown) => { params.push(value); where.push(sql.replace('?', `$${params.length}`)); };
    if (input.principal_id) add('a.principal_id = ?', input.principal_id);
    if (input.handler?.endsWith('.*')) add(`a.handler_key LIKE ? ESCAPE '\\'`, likePrefix(input.handler.slice(0, -1)));
    else if (input.handler) add('a.handler_key = ?', input.handler);
    if (input.outcome) add('a.outcome = ?', input.outcome);
    if (input.error_code) add('a.error_code = ?', input.error_code);
    if (input.cursor) add('(a.at, a.id) < (SELECT c.at, c.id FROM audit_log c WHERE c.id = ?)', input.cursor);
    params.push(input.limit + 1);
    const { rows } = await ctx.runtime.store.query<{ id: string; at: string; principal_id: string | null; principal_name: string | null; role: string | null;
      handler_key: string; effect: string; outcome: string; error_code: string | null; request_id: string | null; duration_ms: number }>(
      `SELECT a.id::text AS id, a.at, a.principal_id, p.display_name AS principal_name, a.role, a.handler_key, a.effect, a.outcome,
              a.error_code, a.request_id, a.duration_ms
       FROM audit_log a LEFT JOIN principals p ON p.id = a.principal_id
       WHERE ${where.join(' AND ')} ORDER BY a.at DESC, a.id DESC LIMIT $${params.length}`, params);
    const page = rows.slice(0, input.limit).map((r) => ({ ...r, at: new Date(r.at).toISOString(), principal_name: r.principal_id ? r.principal_name : 'system' }));
    return {
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      count: page.length,
      entries: page,
      next_cursor: rows.length > input.limit ? page[page.length - 1].id : null,
    };
  },
});
