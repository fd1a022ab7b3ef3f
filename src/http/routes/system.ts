import type { Hono } from 'hono';
import type { Runtime } from '../../runtime/runtime.ts';
import type { AppEnv } from '../app-env.ts';
import { requireKey } from '../auth-middleware.ts';
import { version } from '../../version.ts';
import { ragReadiness } from '../../rag/rag-index.ts';
import { handlerRegistry } from '../../handlers/registry.ts';
import { orchestratorService } from '../../orchestrator/orchestrator.ts';

/**
 * /health (no auth), /ready (the database and the orchestrator's config; providers whose circuit is open or
 * half-open are listed, the service stays ready while the route has a fallback), /v1/handlers, /metrics (staff).
 */
export function systemRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  app.get('/health', (c) => c.json({ status: 'ok', version }));

  app.get('/ready', async (c) => {
    const started = performance.now();
    const orchestrator = runtime.service(orchestratorService);
    const configProblem = orchestrator.configProblem();
    if (configProblem) {
      return c.json(
        {
          ok: false,
          error: 'not_ready',
          message: `The orchestrator config is broken: ${configProblem}`,
          request_id: c.get('requestId'),
        },
        503,
      );
    }
    try {
      await runtime.store.query('SELECT 1');
      return c.json({
        status: 'ready',
        version,
        store: {
          kind: runtime.store.kind,
          ok: true,
          latency_ms: Math.round(performance.now() - started),
          pgvector: runtime.store.hasVector,
        },
        vector_search: ragReadiness(runtime).vector_search,
        orchestrator: { config: 'ok', circuits: orchestrator.circuitStates() },
      });
    } catch (error) {
      runtime.logger.error({ err: error }, 'readiness check failed');
      return c.json(
        { ok: false, error: 'not_ready', message: 'The database does not answer.', request_id: c.get('requestId') },
        503,
      );
    }
  });

  app.get('/v1/handlers', requireKey(runtime), (c) => {
    const registry = runtime.service(handlerRegistry);
    const handlers = registry.listFor(c.get('principal')).map((h) => registry.info(h.key));
    return c.json({ ok: true, data: { count: handlers.length, handlers } });
  });

  app.get('/metrics', requireKey(runtime, ['staff', 'admin']), async (c) => {
    c.header('Content-Type', runtime.metrics.registry.contentType);
    return c.body(await runtime.metrics.registry.metrics());
  });
}
