import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { ZantaraError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { definePort } from '../runtime/service.ts';
import type { AppEnv } from './app-env.ts';
import { sendError } from './envelope.ts';
import { MAX_BODY_BYTES, tooLarge } from './request-body.ts';
import { corsMiddleware } from './cors.ts';

export { MAX_BODY_BYTES } from './request-body.ts';

/** A group of routes; each entry point module adds its own. */
export type RouteModule = (app: Hono<AppEnv>, runtime: Runtime) => void;

/** Route modules in the order they are mounted; the list is built in the composition root (src/composition/routes.ts). */
export const httpRoutes = definePort<readonly RouteModule[]>('HTTP route list');

/**
 * The HTTP API. Every response that is an error uses the one envelope; unknown routes are 404 `not_found`;
 * bodies over 1 MiB are 413 `payload_too_large`; unexpected failures are 500 `internal_error` with a request id only.
 */
export function createApp(runtime: Runtime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // An incoming x-request-id is kept when it is a plain token (letters, digits, _ - =, ≤ 255), else a new UUID.
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath ?? 'unmatched';
    runtime.metrics.httpRequests.inc({ route, status: String(c.res.status) });
    // The access line carries only these fields: never a header, a body or a key.
    runtime.logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        route,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        principal: c.get('principal')?.id,
      },
      'request',
    );
  });
  app.use(bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => sendError(c, tooLarge()) }));

  const cors = corsMiddleware(runtime.env);
  if (cors) app.use(cors);
  for (const mount of runtime.service(httpRoutes)) mount(app, runtime);

  app.notFound((c) =>
    c.json(
      {
        ok: false,
        error: 'not_found',
        message: `No route ${c.req.method} ${c.req.path}.`,
        request_id: c.get('requestId'),
      },
      404,
    ),
  );
  app.onError((error, c) => {
    if (!ZantaraError.isInstance(error) || !error.expose)
      runtime.logger.error({ err: error, requestId: c.get('requestId') }, 'request failed');
    return sendError(c, error);
  });
  return app;
}
