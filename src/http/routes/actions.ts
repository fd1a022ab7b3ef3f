import type { Hono } from 'hono';
import { z } from 'zod';
import { invalidParams, issuesFromZod } from '../../errors.ts';
import { approvalsService } from '../../orchestrator/approvals.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import type { AppEnv } from '../app-env.ts';
import { requireKey } from '../auth-middleware.ts';
import { readBody } from '../request-body.ts';

export const approveBody = z.object({ params: z.record(z.string(), z.unknown()).optional() }).strict();

/**
 * Pending actions proposed by chat turns: list, approve (optionally with edited params; executes exactly once,
 * as the proposer, the approver recorded), reject. Proposers see their own; staff and admin those their role may run.
 */
export function actionsRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  const approvals = () => runtime.service(approvalsService);

  app.get('/v1/actions', requireKey(runtime), async (c) =>
    c.json({ ok: true, actions: await approvals().listPending(c.get('principal')) }),
  );

  app.get('/v1/actions/:id', requireKey(runtime), async (c) =>
    c.json({ ok: true, action: await approvals().get(c.get('principal'), c.req.param('id')) }),
  );

  app.post('/v1/actions/:id/approve', requireKey(runtime), async (c) => {
    const text = (await readBody(c)).toString('utf8');
    let raw: unknown = {};
    if (text.trim()) {
      try {
        raw = JSON.parse(text);
      } catch {
        throw invalidParams([{ path: '', message: 'not valid JSON' }], 'The body must be {} or {"params": {...}}.');
      }
    }
    const parsed = approveBody.safeParse(raw);
    if (!parsed.success)
      throw invalidParams(issuesFromZod(parsed.error.issues), 'The body must be {} or {"params": {...}}.');
    const { already, ...action } = await approvals().approve(c.get('principal'), c.req.param('id'), parsed.data.params);
    return c.json({ ok: true, already_decided: already, action });
  });

  app.post('/v1/actions/:id/reject', requireKey(runtime), async (c) => {
    const { already, ...action } = await approvals().reject(c.get('principal'), c.req.param('id'));
    return c.json({ ok: true, already_decided: already, action });
  });
}
