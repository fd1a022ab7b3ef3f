import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Principal, Role } from '../../auth/principal.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { version } from '../../version.ts';
import type { AppEnv } from '../app-env.ts';
import { requireKey } from '../auth-middleware.ts';
import { approveBody } from './actions.ts';
import { batchBody } from './call.ts';
import { chatBody } from './chat.ts';
import {
  chatCompletion,
  chatCompletionChunk,
  chatCompletionRequest,
  modelList,
  openAiErrorBody,
} from './openai-schemas.ts';
import * as out from './openapi-schemas.ts';
import { usageQuery } from './usage.ts';
import { contactBody, signInBody } from '../../web/web-routes.ts';

type Json = Record<string, unknown>;
/** Who may call a route: anyone, any key, or keys of some roles. */
type Access = 'public' | 'key' | readonly Role[];
/** A body; `sse` adds a `text/event-stream` alternative (with `Accept: text/event-stream` or `stream: true`). */
type Body = { schema: z.ZodType | Json; type?: string; description?: string; sse?: string };
type Route = {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  access: Access;
  tag: string;
  request?: Body;
  query?: z.ZodObject;
  params?: string[];
  responses: Record<number, Body | string>;
};

const STAFF: readonly Role[] = ['staff', 'admin'];

/** A zod schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses), from the same object the route validates with. */
export function jsonSchemaOf(schema: z.ZodType | Json, io: 'input' | 'output'): Json {
  if (!(schema instanceof z.ZodType)) return schema;
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete json.$schema;
  return json;
}

/**
 * Every route of the HTTP API except /call and /call/batch (built from the registry below). A route added to
 * app.ts and missing here fails the contract test in openapi.test.ts.
 */
function routes(): Route[] {
  const sse = (description: string): Body => ({ schema: { type: 'string' }, type: 'text/event-stream', description });
  return [
    {
      method: 'get',
      path: '/health',
      summary: 'Liveness',
      access: 'public',
      tag: 'system',
      responses: { 200: { schema: out.health } },
    },
    {
      method: 'get',
      path: '/ready',
      summary: 'Readiness: the database answers',
      access: 'public',
      tag: 'system',
      responses: { 200: { schema: out.ready }, 503: 'The database does not answer' },
    },
    {
      method: 'get',
      path: '/openapi.json',
      summary: "This document: the public surface without a key, your role's surface with one",
      access: 'public',
      tag: 'system',
      responses: { 200: { schema: { type: 'object' } } },
    },
    {
      method: 'get',
      path: '/docs',
      summary: 'The browsable API reference (Swagger UI)',
      access: 'public',
      tag: 'system',
      responses: { 200: { schema: { type: 'string' }, type: 'text/html' } },
    },
    {
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics',
      access: STAFF,
      tag: 'system',
      responses: { 200: { schema: { type: 'string' }, type: 'text/plain' } },
    },
    {
      method: 'get',
      path: '/v1/handlers',
      summary: 'The handlers your role may call, with their params schemas',
      access: 'key',
      tag: 'handlers',
      responses: { 200: { schema: out.handlerList } },
    },
    {
      method: 'post',
      path: '/v1/chat',
      summary: 'One chat turn; JSON, or Server-Sent Events with Accept: text/event-stream',
      access: 'key',
      tag: 'chat',
      request: { schema: chatBody },
      responses: {
        200: {
          schema: out.chatResult,
          description: 'The turn (JSON), or its events (SSE)',
          sse: out.chatEvents.description,
        },
      },
    },
    {
      method: 'get',
      path: '/v1/conversations',
      summary: 'Your conversations, newest first',
      access: 'key',
      tag: 'chat',
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }),
      responses: { 200: { schema: out.conversationList } },
    },
    {
      method: 'get',
      path: '/v1/conversations/{id}/messages',
      summary: 'The messages of one of your conversations',
      access: 'key',
      tag: 'chat',
      params: ['id'],
      responses: { 200: { schema: out.conversationMessages } },
    },
    {
      method: 'get',
      path: '/v1/actions',
      summary: 'Pending actions you may decide',
      access: 'key',
      tag: 'actions',
      responses: { 200: { schema: out.actionList } },
    },
    {
      method: 'get',
      path: '/v1/actions/{id}',
      summary: 'One action',
      access: 'key',
      tag: 'actions',
      params: ['id'],
      responses: { 200: { schema: out.actionOne } },
    },
    {
      method: 'post',
      path: '/v1/actions/{id}/approve',
      summary: 'Approve (optionally with edited params): runs exactly once',
      access: 'key',
      tag: 'actions',
      params: ['id'],
      request: { schema: approveBody },
      responses: { 200: { schema: out.actionDecided }, 409: 'Already decided', 410: 'Expired' },
    },
    {
      method: 'post',
      path: '/v1/actions/{id}/reject',
      summary: 'Reject a pending action',
      access: 'key',
      tag: 'actions',
      params: ['id'],
      responses: { 200: { schema: out.actionDecided }, 409: 'Already decided' },
    },
    {
      method: 'get',
      path: '/v1/usage',
      summary: 'Turns, tokens and cost from the ledger, grouped',
      access: STAFF,
      tag: 'usage',
      query: usageQuery,
      responses: { 200: { schema: out.usageReport } },
    },
    {
      method: 'get',
      path: '/v1/events',
      summary: 'The staff event feed (SSE); ?types=lead.*,outbox.status, Last-Event-ID resumes',
      access: STAFF,
      tag: 'events',
      query: z.object({ types: z.string().optional(), last_event_id: z.string().optional() }),
      responses: { 200: sse('Events named by type; data is the event as JSON') },
    },
    {
      method: 'get',
      path: '/v1/models',
      summary: 'OpenAI-compatible: the models you can name',
      access: 'key',
      tag: 'openai',
      responses: { 200: { schema: modelList }, 401: { schema: openAiErrorBody } },
    },
    {
      method: 'post',
      path: '/v1/chat/completions',
      summary: 'OpenAI-compatible chat completions: "zantara" (a full turn) or "<provider>/<model>" (gateway)',
      access: 'key',
      tag: 'openai',
      request: { schema: chatCompletionRequest },
      responses: {
        200: {
          schema: chatCompletion,
          description: 'A chat.completion; with "stream": true, chat.completion.chunk events then [DONE]',
          sse: '`data: {chat.completion.chunk}` events (#/components/schemas/ChatCompletionChunk), then `data: [DONE]`',
        },
        400: { schema: openAiErrorBody },
        401: { schema: openAiErrorBody },
        404: { schema: openAiErrorBody },
        429: { schema: openAiErrorBody },
        503: { schema: openAiErrorBody },
      },
    },
    {
      method: 'post',
      path: '/mcp',
      summary: 'The MCP server (Streamable HTTP, stateless, JSON-RPC 2.0); see docs/mcp.md',
      access: 'key',
      tag: 'mcp',
      request: { schema: { type: 'object', description: 'A JSON-RPC request' } },
      responses: { 200: { schema: { type: 'object' }, description: 'JSON-RPC response' } },
    },
    ...(['get', 'delete'] as const).map(
      (method): Route => ({
        method,
        path: '/mcp',
        summary: 'Not served: the MCP server is stateless (POST only)',
        access: 'key',
        tag: 'mcp',
        responses: { 405: { schema: { type: 'object' }, description: 'A JSON-RPC error; Allow: POST' } },
      }),
    ),
    {
      method: 'get',
      path: '/',
      summary: 'The client chat (web app); see docs/web-app.md',
      access: 'public',
      tag: 'web',
      responses: { 200: { schema: { type: 'string' }, type: 'text/html' } },
    },
    {
      method: 'get',
      path: '/console',
      summary: 'The staff console (web app)',
      access: 'public',
      tag: 'web',
      responses: { 200: { schema: { type: 'string' }, type: 'text/html' } },
    },
    {
      method: 'get',
      path: '/web/session',
      summary: 'The browser session: signed in or not, its CSRF token (`?guest=1` starts a guest when allowed)',
      access: 'public',
      tag: 'web',
      responses: { 200: { schema: { type: 'object', required: ['ok', 'signed_in'] } } },
    },
    {
      method: 'post',
      path: '/web/session',
      summary: 'Sign in with an API key: sets an HttpOnly session cookie',
      access: 'public',
      tag: 'web',
      request: { schema: signInBody },
      responses: {
        200: { schema: { type: 'object', required: ['ok', 'signed_in', 'csrf'] } },
        401: 'Unknown or revoked key',
      },
    },
    {
      method: 'delete',
      path: '/web/session',
      summary: 'Sign out: forgets the session cookie',
      access: 'public',
      tag: 'web',
      responses: { 200: { schema: { type: 'object', required: ['ok', 'signed_in'] } }, 403: 'Missing x-csrf-token' },
    },
    {
      method: 'post',
      path: '/web/contact',
      summary: "Leave your contact from the chat: proposes lead.save for the team's approval (session or guest cookie)",
      access: 'public',
      tag: 'web',
      request: { schema: contactBody },
      responses: { 200: { schema: out.actionProposed }, 401: 'No chat session', 403: 'Missing x-csrf-token' },
    },
    ...(['whatsapp', 'instagram'] as const).flatMap((channel): Route[] => [
      {
        method: 'get',
        path: `/webhooks/${channel}`,
        summary: `Meta ${channel} subscription check (hub.challenge)`,
        access: 'public',
        tag: 'webhooks',
        query: z.object({ 'hub.mode': z.string(), 'hub.verify_token': z.string(), 'hub.challenge': z.string() }),
        responses: {
          200: { schema: { type: 'string' }, type: 'text/plain' },
          403: 'The token does not match',
          503: 'META_VERIFY_TOKEN is not set',
        },
      },
      {
        method: 'post',
        path: `/webhooks/${channel}`,
        summary: `Meta ${channel} notifications, signed with X-Hub-Signature-256`,
        access: 'public',
        tag: 'webhooks',
        request: { schema: { type: 'object' } },
        responses: {
          200: { schema: out.webhookAck },
          401: 'Bad or missing signature',
          503: 'META_APP_SECRET is not set',
        },
      },
    ]),
  ];
}

/** The JSON schema of each response body the contract test checks (path, method, status → zod). */
export function documentedResponse(path: string, method: string, status: number): z.ZodType | undefined {
  const route = routes().find((r) => r.path === path && r.method === method);
  const body = route?.responses[status];
  return typeof body === 'object' && body.schema instanceof z.ZodType ? body.schema : undefined;
}

function visible(access: Access, principal: Principal | undefined): boolean {
  if (access === 'public') return true;
  if (!principal) return false;
  return access === 'key' || access.includes(principal.role);
}

const errorResponse = {
  description: 'Error envelope',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

function operation(route: Route): Json {
  const parameters = [
    ...(route.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...Object.entries(route.query ? ((jsonSchemaOf(route.query, 'input').properties as Json) ?? {}) : {}).map(
      ([name, schema]) => ({
        name,
        in: 'query',
        required: ((jsonSchemaOf(route.query!, 'input').required as string[] | undefined) ?? []).includes(name),
        schema,
      }),
    ),
  ];
  const responses: Json = {};
  for (const [status, body] of Object.entries(route.responses)) {
    responses[status] =
      typeof body === 'string'
        ? { ...errorResponse, description: body }
        : {
            description: body.description ?? 'OK',
            content: {
              [body.type ?? 'application/json']: { schema: jsonSchemaOf(body.schema, 'output') },
              ...(body.sse ? { 'text/event-stream': { schema: { type: 'string', description: body.sse } } } : {}),
            },
          };
  }
  if (route.access !== 'public') {
    responses['401'] ??= { ...errorResponse, description: 'No key, or an unknown or revoked key' };
    if (Array.isArray(route.access))
      responses['403'] ??= { ...errorResponse, description: 'Your role may not call this' };
  }
  if (route.request || route.query)
    responses['400'] ??= { ...errorResponse, description: 'The body or query does not match the schema' };
  if (route.params) responses['404'] ??= { ...errorResponse, description: 'No such item, or not yours' };
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId:
      route.method + route.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()),
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.request
      ? {
          requestBody: {
            required: true,
            content: {
              [route.request.type ?? 'application/json']: { schema: jsonSchemaOf(route.request.schema, 'input') },
            },
          },
        }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document for a caller: without a principal, the public surface only; with one, the routes and
 * handlers that principal's role may call. Handler params (and results, where a handler declares `output`) come
 * from the registry's zod declarations, the route bodies from the routes' own zod schemas.
 */
export function buildOpenApi(runtime: Runtime, principal?: Principal): Json {
  const schemas: Json = {
    Error: jsonSchemaOf(out.errorEnvelope, 'output'),
    ChatCompletionChunk: jsonSchemaOf(chatCompletionChunk, 'output'),
  };
  const paths: Record<string, Json> = {};
  for (const route of routes()) {
    if (!visible(route.access, principal)) continue;
    (paths[route.path] ??= {})[route.method] = operation(route);
  }
  if (principal) {
    const handlers = runtime.registry.listFor(principal);
    const calls = handlers.map((h) => {
      schemas[`params.${h.key}`] = runtime.registry.paramsSchema(h.key);
      if (h.output) schemas[`result.${h.key}`] = jsonSchemaOf(h.output, 'output');
      return {
        type: 'object',
        required: ['key'],
        additionalProperties: false,
        title: h.key,
        description: `${h.description} (effect: ${h.effect}; roles: ${h.roles.join(', ')})`,
        properties: { key: { const: h.key }, params: { $ref: `#/components/schemas/params.${h.key}` } },
      };
    });
    const results = handlers.filter((h) => h.output).map((h) => ({ $ref: `#/components/schemas/result.${h.key}` }));
    const ok = {
      type: 'object',
      required: ['ok', 'data'],
      properties: {
        ok: { const: true },
        data: results.length
          ? { anyOf: [...results, {}], description: 'The handler result (its declared output schema when it has one)' }
          : {},
      },
    };
    const errors = Object.fromEntries([400, 401, 403, 404, 413, 429, 500].map((s) => [String(s), errorResponse]));
    paths['/call'] = {
      post: {
        summary: 'Call one handler',
        tags: ['handlers'],
        operationId: 'postCall',
        requestBody: { required: true, content: { 'application/json': { schema: { oneOf: calls } } } },
        responses: {
          200: { description: 'The handler result', content: { 'application/json': { schema: ok } } },
          ...errors,
        },
      },
    };
    paths['/call/batch'] = {
      post: {
        summary: 'Call up to 20 handlers concurrently',
        tags: ['handlers'],
        operationId: 'postCallBatch',
        requestBody: { required: true, content: { 'application/json': { schema: batchSchema(calls) } } },
        responses: {
          200: {
            description: 'One envelope per call',
            content: { 'application/json': { schema: jsonSchemaOf(out.callBatchResult, 'output') } },
          },
          ...errors,
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ZANTARA API',
      version,
      description: principal
        ? `The routes and handlers the ${principal.role} role may call.`
        : 'The public surface. Send your API key (x-api-key or Authorization: Bearer) to see the routes and handlers ' +
          'your role may call.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas,
    },
    security: [{ apiKey: [] }, { bearer: [] }],
    paths,
  };
}

/** The batch body from the route's own zod schema (limits, strictness), each call narrowed to a handler. */
function batchSchema(calls: Json[]): Json {
  const schema = jsonSchemaOf(batchBody, 'input');
  const list = (schema.properties as Record<string, Json>).calls;
  return { ...schema, properties: { calls: { ...list, items: { oneOf: calls } } } };
}

function hasKey(c: Context<AppEnv>): boolean {
  return Boolean(c.req.header('x-api-key') ?? c.req.header('authorization'));
}

/** GET /openapi.json: the public document without a key; with a key, that key's role's document (401 for a bad key). */
export function openApiRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  const cached = new Map<string, string>();
  const send = (c: Context<AppEnv>, principal?: Principal) => {
    const role = principal?.role ?? 'public';
    let text = cached.get(role);
    if (!text) cached.set(role, (text = JSON.stringify(buildOpenApi(runtime, principal))));
    return c.body(text, 200, { 'content-type': 'application/json' });
  };
  app.get(
    '/openapi.json',
    async (c, next) => (hasKey(c) ? next() : send(c)),
    requireKey(runtime),
    (c) => send(c, c.get('principal')),
  );
}
