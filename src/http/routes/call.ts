import type { Hono } from 'hono';
import { z } from 'zod';
import { invalidParams, issuesFromZod } from '../../errors.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import type { AppEnv } from '../app-env.ts';
import { requireKey } from '../auth-middleware.ts';
import { errorBody, readJsonObject, sendOk } from '../envelope.ts';
import { handlerRegistry } from '../../handlers/registry.ts';

// `params` is only checked to be a JSON object here: the handler's own schema validates its fields in the registry.
// (A z.record would copy every field into a new object on each call, for nothing.)
const paramsObject = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { message: 'Invalid input: expected an object' },
);

const callBody = z
  .object({
    key: z.string().min(1).max(200),
    params: paramsObject.optional(),
  })
  .strict();

export const batchBody = z
  .object({
    calls: z.array(callBody).min(1).max(20),
  })
  .strict();

/** POST /call and POST /call/batch: every handler, through the registry, as the key's principal. */
export function callRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  app.post('/call', requireKey(runtime), async (c) => {
    const body = parse(callBody, await readJsonObject(c));
    const data = await runtime.service(handlerRegistry).call(body.key, body.params, {
      principal: c.get('principal'),
      requestId: c.get('requestId'),
      signal: c.req.raw.signal,
    });
    return sendOk(c, data);
  });

  app.post('/call/batch', requireKey(runtime), async (c) => {
    const body = parse(batchBody, await readJsonObject(c));
    const principal = c.get('principal');
    const requestId = c.get('requestId');
    const results = await Promise.all(
      body.calls.map(async (call, i) => {
        try {
          return {
            ok: true as const,
            data: await runtime
              .service(handlerRegistry)
              .call(call.key, call.params, { principal, requestId: `${requestId}.${i}` }),
          };
        } catch (error) {
          const { body: envelope } = errorBody(error, `${requestId}.${i}`);
          if (envelope.error === 'internal_error')
            runtime.logger.error({ err: error, key: call.key }, 'batch call failed');
          return envelope;
        }
      }),
    );
    return c.json({ ok: true, results });
  });
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw invalidParams(
      issuesFromZod(result.error.issues),
      'The request body does not match {"key": string, "params"?: object}.',
    );
  return result.data;
}
