import { z } from 'zod';
import { DEFAULT_TIMEZONE, periodBound, resolvePeriod, timezoneField } from '../../analytics/period.ts';
import { dailyReport, dashboard, REPORT_METRICS } from '../../analytics/store-analytics.ts';
import { defineHandler } from '../handler.ts';

export const dashboardMain = defineHandler({
  key: 'dashboard.main',
  category: 'analytics',
  description: 'The staff dashboard for a period (default: the last 7 days): new leads by source and status, conversations, chat turns with tokens, cost and latency, handler calls and their outcomes, approvals, outbox delivery states and inbound messages. Real numbers from the store; zero when nothing happened.',
  input: z.object({
    days: z.number().int().min(1).max(366).optional().describe('The last N local days including today (default 7); ignored when from is given'),
    from: periodBound.optional().describe('Start: a date (YYYY-MM-DD, local midnight) or ISO date-time'),
    to: periodBound.optional().describe('End: a date (inclusive, whole day) or ISO date-time; default now'),
    timezone: timezoneField.default(DEFAULT_TIMEZONE).describe('IANA time zone for day boundaries (default Asia/Makassar, WITA)'),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'How did this week go?', params: {} },
    { description: 'Dashboard di marzo', params: { from: '2026-03-01', to: '2026-03-31' } },
  ],
  async run(input, ctx) {
    const period = resolvePeriod(input, ctx.runtime.clock.now(), { defaultDays: input.days ?? 7, maxDays: 366 });
    return dashboard(ctx.runtime.store, period);
  },
});

export const analyticsReport = defineHandler({
  key: 'analytics.report',
  category: 'analytics',
  description: `A day-by-day report for a period: ${REPORT_METRICS.join(', ')}, with totals. Every day of the period is listed (zeros included); metrics whose data is not kept on this server are named in "unavailable".`,
  input: z.object({
    from: periodBound.describe('First day (YYYY-MM-DD) or ISO date-time'),
    to: periodBound.optional().describe('Last day (inclusive) or ISO date-time; default now'),
    group_by: z.enum(['day']).default('day').describe('Grouping of the rows; day is the only one'),
    timezone: timezoneField.default(DEFAULT_TIMEZONE).describe('IANA time zone for day boundaries (default Asia/Makassar, WITA)'),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Daily numbers for the first week of March', params: { from: '2026-03-01', to: '2026-03-07' } },
    { description: 'Laporan harian bulan ini', params: { from: '2026-03-01' } },
  ],
  async run(input, ctx) {
    const period = resolvePeriod(input, ctx.runtime.clock.now(), { defaultDays: 1, maxDays: 366 });
    const report = await dailyReport(ctx.runtime.store, period);
    return { period: { from: period.from.toISOString(), to: period.to.toISOString(), timezone: period.timezone }, group_by: input.group_by, ...report };
  },
});
