import type { Hono } from 'hono';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { createMcpServer } from '../../mcp/mcp-server.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import type { AppEnv } from '../app-env.ts';
import { requireKey } from '../auth-middleware.ts';
import { readBody } from '../request-body.ts';

function jsonRpcError(
  code: number,
  message: string,
): { jsonrpc: '2.0'; error: { code: number; message: string }; id: null } {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

/**
 * POST /mcp: the MCP server over Streamable HTTP, stateless (a server per request, for the API key's principal;
 * no sessions to keep, so any replica can answer). GET and DELETE (server-sent streams, sessions) are 405.
 */
export function mcpRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  app.on(['GET', 'DELETE'], '/mcp', requireKey(runtime), (c) =>
    c.json(jsonRpcError(-32000, 'Method not allowed: this server is stateless; POST /mcp.'), 405, { allow: 'POST' }),
  );

  app.post('/mcp', requireKey(runtime), async (c) => {
    let message: unknown;
    try {
      message = JSON.parse((await readBody(c)).toString('utf8'));
    } catch {
      return c.json(jsonRpcError(-32700, 'Parse error: the body is not JSON.'), 400);
    }
    const server = createMcpServer(runtime, c.get('principal'));
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw, { parsedBody: message });
    } finally {
      await server.close();
    }
  });
}
