import type { Hono } from 'hono';
import { z } from 'zod';
import { isDateInRange } from '../../analytics/period.ts';
import { invalidParams, issuesFromZod } from '../../errors.ts';
import { USAGE_GROUPS, usageReport } from '../../orchestrator/turn-traces.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import type { AppEnv } from '../app-env.ts';
import { requireKey } from '../auth-middleware.ts';

const DAY = 86_400_000;
export const usageQuery = z
  .object({
    from: z.string().refine(isDateInRange, 'must be an ISO date or date-time between 1900 and 9999').optional(),
    to: z.string().refine(isDateInRange, 'must be an ISO date or date-time between 1900 and 9999').optional(),
    group_by: z.enum(USAGE_GROUPS).default('provider'),
  })
  .strict();

/** GET /v1/usage?from&to&group_by=provider|model|route|day — sums of the turn traces (staff/admin). Default: the last 30 days. */
export function usageRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  app.get('/v1/usage', requireKey(runtime, ['staff', 'admin']), async (c) => {
    const parsed = usageQuery.safeParse(c.req.query());
    if (!parsed.success)
      throw invalidParams(
        issuesFromZod(parsed.error.issues),
        'Query: from, to (ISO dates), group_by=provider|model|route|day.',
      );
    const to = parsed.data.to ? new Date(parsed.data.to) : new Date(runtime.clock.now().getTime() + 1000);
    const from = parsed.data.from ? new Date(parsed.data.from) : new Date(to.getTime() - 30 * DAY);
    const rows = await usageReport(runtime.store, from, to, parsed.data.group_by);
    const total = rows.reduce(
      (sum, r) => ({
        turns: sum.turns + r.turns,
        input_tokens: sum.input_tokens + r.input_tokens,
        cached_input_tokens: sum.cached_input_tokens + r.cached_input_tokens,
        output_tokens: sum.output_tokens + r.output_tokens,
        cost_usd: Math.round((sum.cost_usd + r.cost_usd) * 1e8) / 1e8,
      }),
      { turns: 0, input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, cost_usd: 0 },
    );
    return c.json({
      ok: true,
      from: from.toISOString(),
      to: to.toISOString(),
      group_by: parsed.data.group_by,
      rows,
      total,
    });
  });
}
