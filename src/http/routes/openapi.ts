import type { Hono } from 'hono';
import type { Runtime } from '../../runtime/runtime.ts';
import { version } from '../../version.ts';
import type { AppEnv } from '../app-env.ts';
import { handlerRegistry } from '../../handlers/registry.ts';

/**
 * GET /openapi.json: the API described from the registry (no second list). `/call` takes a body whose
 * `key` selects the params schema; each handler's params are a component schema named after its key.
 */
export function openApiRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  let cached: unknown;
  app.get('/openapi.json', (c) => c.json(cached ??= buildOpenApi(runtime)));
}

export function buildOpenApi(runtime: Runtime): Record<string, unknown> {
  const handlers = runtime.service(handlerRegistry).list();
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object', required: ['ok', 'error'],
      properties: { ok: { const: false }, error: { type: 'string' }, message: { type: 'string' }, request_id: { type: 'string' },
        issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } } },
    },
  };
  const calls = handlers.map((h) => {
    schemas[`params.${h.key}`] = runtime.service(handlerRegistry).paramsSchema(h.key);
    return {
      type: 'object', required: ['key'], additionalProperties: false, description: `${h.description} (effect: ${h.effect}; roles: ${h.roles.join(', ')})`,
      properties: { key: { const: h.key }, params: { $ref: `#/components/schemas/params.${h.key}` } },
    };
  });
  const errors = Object.fromEntries([400, 401, 403, 404, 413, 422, 429, 500].map((s) => [String(s), { description: 'Error envelope', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]));
  return {
    openapi: '3.1.0',
    info: { title: 'ZANTARA API', version, description: 'Every handler through POST /call, as the principal of the API key.' },
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' }, bearer: { type: 'http', scheme: 'bearer' } },
      schemas,
    },
    security: [{ apiKey: [] }, { bearer: [] }],
    paths: {
      '/call': { post: {
        summary: 'Call one handler',
        requestBody: { required: true, content: { 'application/json': { schema: { oneOf: calls } } } },
        responses: { 200: { description: '{"ok": true, "data": …}' }, ...errors },
      } },
      '/call/batch': { post: {
        summary: 'Call up to 20 handlers concurrently',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['calls'], properties: { calls: { type: 'array', minItems: 1, maxItems: 20, items: { oneOf: calls } } } } } } },
        responses: { 200: { description: '{"ok": true, "results": [envelope…]}' }, ...errors },
      } },
      '/v1/handlers': { get: { summary: 'Handlers your role may call', responses: { 200: { description: 'handler list' } } } },
      '/health': { get: { summary: 'Liveness', security: [], responses: { 200: { description: '{"status": "ok", "version"}' } } } },
      '/ready': { get: { summary: 'Readiness (database)', security: [], responses: { 200: { description: 'ready' }, 503: errors['500'] } } },
    },
  };
}
