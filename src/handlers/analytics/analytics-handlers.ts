import { z } from 'zod';
import { DEFAULT_TIMEZONE, periodBound, resolvePeriod, timezoneField } from '../../analytics/period.ts';
import { dailyReport, dashboard, REPORT_METRICS, type ReportMetric } from '../../analytics/store-analytics.ts';
import { defineHandler } from '../handler.ts';

const counts = z.record(z.string(), z.number());
const period = z.object({ from: z.string(), to: z.string(), timezone: z.string() });
const metricNumbers = Object.fromEntries(REPORT_METRICS.map((m) => [m, z.number()])) as Record<
  ReportMetric,
  z.ZodNumber
>;

const dashboardOutput = z.object({
  period,
  leads: z.object({ new: z.number(), by_source: counts, by_status: counts, open_now: z.number() }),
  conversations: z.object({ available: z.boolean(), started: z.number(), active: z.number(), by_channel: counts }),
  turns: z.object({
    available: z.boolean(),
    count: z.number(),
    errors: z.number(),
    local: z.number(),
    local_rate: z.number(),
    tokens: z.object({ input: z.number(), cached_input: z.number(), output: z.number() }),
    cost_usd: z.number(),
    latency_ms: z.object({ avg: z.number(), p95: z.number() }),
    by_route: counts,
    by_provider: z.array(
      z.object({ provider: z.string(), model: z.string(), turns: z.number(), cost_usd: z.number() }),
    ),
  }),
  handler_calls: z.object({
    audited_writes: z.object({
      total: z.number(),
      ok: z.number(),
      error: z.number(),
      error_codes: counts,
      by_handler: z.array(z.object({ key: z.string(), ok: z.number(), error: z.number() })),
    }),
    in_chat: z.object({
      available: z.boolean(),
      total: z.number(),
      by_outcome: counts,
      by_handler: z.array(z.object({ key: z.string(), calls: z.number(), ok: z.number(), error: z.number() })),
    }),
  }),
  approvals: z.object({ available: z.boolean(), requested: z.number(), by_status: counts, waiting_now: z.number() }),
  outbox: z.object({
    available: z.boolean(),
    created: z.number(),
    by_status: counts,
    by_channel: counts,
    queued_now: z.number(),
    failed_now: z.number(),
  }),
  inbound: z.object({ available: z.boolean(), received: z.number(), by_channel: counts, by_status: counts }),
  permits: z.object({ available: z.boolean(), expired: z.number(), expiring_30_days: z.number() }),
});

export const dashboardMain = defineHandler({
  key: 'dashboard.main',
  category: 'analytics',
  description:
    'The staff dashboard for a period (default: the last 7 days): new leads by source and status, conversations, chat turns with tokens, cost and latency, handler calls and their outcomes, approvals, outbox delivery states and inbound messages. Real numbers from the store; zero when nothing happened.',
  input: z.object({
    days: z
      .number()
      .int()
      .min(1)
      .max(366)
      .optional()
      .describe('The last N local days including today (default 7); ignored when from is given'),
    from: periodBound.optional().describe('Start: a date (YYYY-MM-DD, local midnight) or ISO date-time'),
    to: periodBound.optional().describe('End: a date (inclusive, whole day) or ISO date-time; default now'),
    timezone: timezoneField
      .default(DEFAULT_TIMEZONE)
      .describe('IANA time zone for day boundaries (default Asia/Makassar, WITA)'),
  }),
  output: dashboardOutput,
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

const reportOutput = z.object({
  period,
  group_by: z.literal('day'),
  rows: z.array(z.object({ day: z.string(), ...metricNumbers })).describe('One row per local day, zeros included'),
  totals: z.object(metricNumbers),
  unavailable: z.array(z.enum(REPORT_METRICS)).describe('Metrics whose data this server does not keep'),
});

export const analyticsReport = defineHandler({
  key: 'analytics.report',
  category: 'analytics',
  description: `A day-by-day report for a period: ${REPORT_METRICS.join(', ')}, with totals. Every day of the period is listed (zeros included); metrics whose data is not kept on this server are named in "unavailable".`,
  input: z.object({
    from: periodBound.describe('First day (YYYY-MM-DD) or ISO date-time'),
    to: periodBound.optional().describe('Last day (inclusive) or ISO date-time; default now'),
    group_by: z.enum(['day']).default('day').describe('Grouping of the rows; day is the only one'),
    timezone: timezoneField
      .default(DEFAULT_TIMEZONE)
      .describe('IANA time zone for day boundaries (default Asia/Makassar, WITA)'),
  }),
  output: reportOutput,
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Daily numbers for the first week of March', params: { from: '2026-03-01', to: '2026-03-07' } },
    { description: 'Laporan harian bulan ini', params: { from: '2026-03-01' } },
  ],
  async run(input, ctx) {
    const period = resolvePeriod(input, ctx.runtime.clock.now(), { defaultDays: 1, maxDays: 366 });
    const report = await dailyReport(ctx.runtime.store, period);
    return {
      period: { from: period.from.toISOString(), to: period.to.toISOString(), timezone: period.timezone },
      group_by: input.group_by,
      ...report,
    };
  },
});
