/**
 * ZANTARA as an MCP server (the official SDK), for one principal — the owner of the API key the client connected
 * with. Tools are the handlers that principal may call (their registry JSON Schema; annotations from the effect;
 * the declared output as outputSchema where every call answers directly),
 * resources are the fact files and ingested documents, prompts are ZANTARA's ways of working (answer a client,
 * draft a quote). Writes and sends follow chat's approval rules. Both transports (stdio, Streamable HTTP) use it.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.ts';
import type { AnyHandler } from '../handlers/handler.ts';
import { toolNameForKey } from '../handlers/tool-names.ts';
import { ZantaraError } from '../errors.ts';
import { autoApproved } from '../orchestrator/agent-tools.ts';
import { approvalsService } from '../orchestrator/approvals.ts';
import { orchestratorService } from '../orchestrator/orchestrator.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { version } from '../version.ts';
import { registerMcpPrompts } from './mcp-prompts.ts';
import { registerMcpResources } from './mcp-resources.ts';
import { handlerRegistry } from '../handlers/registry.ts';

/**
 * Handlers never offered over MCP: the administrative ones (keys, system configuration, audit — they change or show
 * who may do what), like the handlers models are never offered.
 */
export function isMcpTool(handler: AnyHandler): boolean {
  return handler.category !== 'admin' && !handler.humanOnly;
}

/** The handlers a principal sees as MCP tools. */
export function mcpHandlers(runtime: Runtime, principal: Principal): AnyHandler[] {
  return runtime.service(handlerRegistry).listForModel(principal).filter(isMcpTool);
}

/** MCP tool annotations from a handler's declared effect. */
export function toolAnnotations(handler: AnyHandler): NonNullable<Tool['annotations']> {
  return {
    title: handler.key,
    readOnlyHint: handler.effect === 'read',
    destructiveHint: handler.effect !== 'read',
    idempotentHint: handler.effect === 'read',
    openWorldHint: handler.effect === 'send',
  };
}

/**
 * The MCP output schema of a tool for this principal, or undefined when it has none. Only tools whose every call
 * runs directly get one: a proposal ("awaiting approval") does not match the handler's output, and the SDK client
 * rejects structured content that does not match a declared schema. Declared secret fields come back as
 * `[redacted]`, which need not match their type, so those tools get none either. MCP wants an object schema: a union
 * of objects is marked as one, anything else is left without.
 */
export function mcpOutputSchema(
  runtime: Runtime,
  principal: Principal,
  handler: AnyHandler,
): Tool['outputSchema'] | undefined {
  const policy = runtime.service(orchestratorService).config.approvals.auto_approve;
  if (!autoApproved(handler, principal, policy) || handler.secretOutput?.length) return undefined;
  const schema = runtime.service(handlerRegistry).outputSchema(handler.key);
  if (!schema) return undefined;
  if (schema.type === 'object') return schema as Tool['outputSchema'];
  const branches = (schema.anyOf ?? schema.oneOf) as Array<Record<string, unknown>> | undefined;
  if (branches?.length && branches.every((b) => b.type === 'object'))
    return { ...schema, type: 'object' } as Tool['outputSchema'];
  return undefined;
}

/** A JSON object (what `structuredContent` must be), or undefined for anything else. */
function jsonObject(value: unknown): Record<string, unknown> | undefined {
  const json: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  return typeof json === 'object' && json !== null && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): CallToolResult['content'] {
  return [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }];
}

async function callTool(
  runtime: Runtime,
  principal: Principal,
  handler: AnyHandler,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const requestId = `mcp-${randomUUID()}`;
  try {
    const config = runtime.service(orchestratorService).config;
    if (!autoApproved(handler, principal, config.approvals.auto_approve)) {
      const parsed = handler.input.safeParse(args);
      if (!parsed.success) {
        return {
          isError: true,
          content: text({
            ok: false,
            error: 'invalid_params',
            issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          }),
        };
      }
      // A proposal costs the same rate-limit unit as running it would.
      await runtime.rateLimiter.consume(principal, handler.rateClass ?? handler.effect);
      const action = await runtime
        .service(approvalsService)
        .create({ principal, key: handler.key, params: args, expiresInMs: config.approvals.expiry_minutes * 60_000 });
      const pending = {
        status: 'pending_approval',
        action_id: action.id,
        summary: action.summary,
        expires_at: action.expires_at,
      };
      return {
        content: text(
          `Proposed, awaiting approval (not done yet): ${action.summary}\nAction id: ${action.id} — ` +
            `a person approves it with POST /v1/actions/${action.id}/approve before ${action.expires_at}.`,
        ),
        structuredContent: pending,
      };
    }
    // An MCP client is a model: administrative handlers refuse it, and declared secrets never reach it.
    const registry = runtime.service(handlerRegistry);
    const data = await registry.call(handler.key, args, { principal, requestId, signal, origin: 'model' });
    const redacted = registry.redact(handler.key, data);
    if (!mcpOutputSchema(runtime, principal, handler)) {
      const structured = jsonObject(redacted);
      return { content: text(redacted), ...(structured ? { structuredContent: structured } : {}) };
    }
    // Parsing drops fields the output does not list, which its JSON Schema forbids (additionalProperties: false).
    const parsed = handler.output!.safeParse(data);
    if (!parsed.success) throw new Error(`${handler.key} returned a result that does not match its output schema`);
    return { content: text(redacted), structuredContent: jsonObject(registry.redact(handler.key, parsed.data)) };
  } catch (error) {
    // The same fields as the HTTP error envelope; unexpected failures say nothing but the request id.
    const body =
      ZantaraError.isInstance(error) && error.expose
        ? { ok: false, error: error.code, message: error.message, ...error.details, request_id: requestId }
        : { ok: false, error: 'internal_error', message: 'Internal error.', request_id: requestId };
    if (!ZantaraError.isInstance(error))
      runtime.logger.error({ err: error, key: handler.key, requestId }, 'mcp tool failed');
    return { isError: true, content: text(body) };
  }
}

export function createMcpServer(runtime: Runtime, principal: Principal): McpServer {
  const mcp = new McpServer(
    { name: 'zantara', title: 'ZANTARA (Bali Zero)', version },
    {
      capabilities: { tools: { listChanged: false } },
      instructions:
        'ZANTARA answers questions about Bali Zero services (visas, KITAS, PT PMA, KBLI, tax) from verified fact ' +
        'files. Use its tools for every price, requirement and duration. Writes and sends are only proposed: they ' +
        'run once a person approves them.',
    },
  );
  const handlers = mcpHandlers(runtime, principal);
  const byName = new Map(handlers.map((h) => [toolNameForKey(h.key), h]));
  const outputSchemas = new Map(handlers.map((h) => [h.key, mcpOutputSchema(runtime, principal, h)]));

  mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: handlers.map(
      (h): Tool => ({
        name: toolNameForKey(h.key),
        title: h.key,
        description:
          h.effect === 'read'
            ? h.description
            : `${h.description} (effect: ${h.effect}; proposed for a person's approval unless policy allows)`,
        inputSchema: runtime.service(handlerRegistry).paramsSchema(h.key) as Tool['inputSchema'],
        ...(outputSchemas.get(h.key) ? { outputSchema: outputSchemas.get(h.key) } : {}),
        annotations: toolAnnotations(h),
      }),
    ),
  }));

  mcp.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const handler = byName.get(request.params.name);
    if (!handler) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    return callTool(runtime, principal, handler, request.params.arguments ?? {}, extra.signal);
  });

  registerMcpResources(mcp, runtime, principal);
  registerMcpPrompts(mcp, runtime, principal);
  return mcp;
}
