import { z } from 'zod';
import { searchTurnTraces, turnTraceStats } from '../../analytics/turn-traces.ts';
import { defineHandler } from '../handler.ts';

const DAY = 86_400_000;
const isoBound = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date or date-time');

export const tracesSearch = defineHandler({
  key: 'traces.search',
  category: 'analytics',
  description:
    'Chat turns with their trace, newest first (staff): who asked (client name or id), when, on which channel, the ' +
    'route, model, provider attempts and fallbacks, handlers called with their outcome, tokens, cost and latency. ' +
    'Filter by client text, date range, channel, conversation.',
  input: z.object({
    client: z.string().trim().min(1).max(100).optional().describe('Text in the client name, or a principal id'),
    channel: z
      .string()
      .trim()
      .regex(/^[a-z_]{1,30}$/)
      .optional()
      .describe('Channel of the conversation: web, api, cli, whatsapp…'),
    conversation_id: z.uuid().optional().describe('Only turns of this conversation'),
    from: isoBound.optional().describe('From this date or date-time (default: 30 days ago)'),
    to: isoBound.optional().describe('Before this date or date-time (default: now)'),
    limit: z.number().int().min(1).max(200).default(50).describe('Page size'),
    offset: z.number().int().min(0).max(100000).default(0).describe('Turns to skip (paging)'),
  }),
  output: z.object({
    from: z.string(),
    to: z.string(),
    count: z.number().int(),
    turns: z.array(
      z.object({
        id: z.string(),
        conversation_id: z.string().nullable(),
        principal_id: z.string().nullable(),
        client: z.string().nullable(),
        client_role: z.string().nullable(),
        channel: z.string().nullable(),
        created_at: z.string(),
        route: z.string(),
        query_class: z.string().nullable(),
        local: z.boolean(),
        provider: z.string().nullable(),
        model: z.string().nullable(),
        attempts: z.unknown().describe('Provider attempts, in order'),
        input_tokens: z.number(),
        cached_input_tokens: z.number(),
        output_tokens: z.number(),
        cost_usd: z.number(),
        latency_ms: z.number(),
        handlers: z.unknown().describe('Handlers called and outcomes'),
        outcome: z.string(),
        error: z.string().nullable(),
        message_text: z.string().nullable(),
      }),
    ),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Latest web turns', params: { channel: 'web' } },
    { description: 'Percakapan klien Marco minggu ini', params: { client: 'Marco', from: '2026-03-01' } },
  ],
  async run(input, ctx) {
    const to = input.to ? new Date(input.to) : new Date(ctx.runtime.clock.now().getTime() + 1000);
    const from = input.from ? new Date(input.from) : new Date(to.getTime() - 30 * DAY);
    const rows = await searchTurnTraces(ctx.runtime.store, { ...input, from, to });
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      count: rows.length,
      turns: rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() })),
    };
  },
});

const num = (v: unknown) => Math.round(Number(v ?? 0) * 1e8) / 1e8;

export const tracesStats = defineHandler({
  key: 'traces.stats',
  category: 'analytics',
  description:
    'Performance of chat turns over a period (staff), from the turn traces: spend per day and provider, local-tier ' +
    'hit rate per day, p50/p95/p99 latency per route, tool success rate per handler, errors and cooldown skips per ' +
    'provider.',
  input: z.object({
    days: z.number().int().min(1).max(366).default(14).describe('The last N days (UTC), today included'),
  }),
  output: z.object({
    from: z.string(),
    days: z.number().int(),
    spend: z.array(z.object({ day: z.string(), provider: z.string(), cost_usd: z.number(), turns: z.number() })),
    daily: z.array(
      z.object({
        day: z.string(),
        turns: z.number(),
        local_turns: z.number(),
        errors: z.number(),
        local_hit_rate: z.number(),
      }),
    ),
    latency: z.array(
      z.object({ route: z.string(), turns: z.number(), p50: z.number(), p95: z.number(), p99: z.number() }),
    ),
    tools: z.array(z.object({ key: z.string(), calls: z.number(), ok: z.number(), success_rate: z.number() })),
    providers: z.array(
      z.object({ provider: z.string(), attempts: z.number(), errors: z.number(), cooldowns: z.number() }),
    ),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Performance of the last two weeks', params: {} },
    { description: 'Prestazioni degli ultimi 30 giorni', params: { days: 30 } },
  ],
  async run(input, ctx) {
    const now = ctx.runtime.clock.now();
    const from = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (input.days - 1) * DAY,
    ).toISOString();
    const { spend, daily, latency, tools, providers } = await turnTraceStats(ctx.runtime.store, from);
    return {
      from,
      days: input.days,
      spend: spend.rows.map((r) => ({
        day: String(r.day),
        provider: String(r.provider),
        cost_usd: num(r.cost_usd),
        turns: Number(r.turns),
      })),
      daily: daily.rows.map((r) => ({
        day: String(r.day),
        turns: Number(r.turns),
        local_turns: Number(r.local_turns),
        errors: Number(r.errors),
        local_hit_rate: Number(r.turns) ? Number(r.local_turns) / Number(r.turns) : 0,
      })),
      latency: latency.rows.map((r) => ({
        route: String(r.route),
        turns: Number(r.turns),
        p50: Math.round(Number(r.p50)),
        p95: Math.round(Number(r.p95)),
        p99: Math.round(Number(r.p99)),
      })),
      tools: tools.rows.map((r) => ({
        key: String(r.key),
        calls: Number(r.calls),
        ok: Number(r.ok),
        success_rate: Number(r.ok) / Number(r.calls),
      })),
      providers: providers.rows.map((r) => ({
        provider: String(r.provider),
        attempts: Number(r.attempts),
        errors: Number(r.errors),
        cooldowns: Number(r.cooldowns),
      })),
    };
  },
});
