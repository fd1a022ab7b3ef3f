/**
 * `zantara mcp`: ZANTARA as an MCP server over stdio, for MCP clients that start it as a process (Claude Desktop).
 * It acts as the owner of the API key in `--key` or `ZANTARA_API_KEY` (required: no key, no server), on the same
 * store as the server. Logs go to stderr: stdout carries only the protocol.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { pino } from 'pino';
import { apiKeysService } from '../../identity/api-keys.ts';
import { ZantaraError } from '../../errors.ts';
import { createMcpServer } from '../../mcp/mcp-server.ts';
import { openCliRuntime } from '../cli-runtime.ts';
import { str, type Command } from '../command.ts';

export const mcpCommand: Command = {
  name: 'mcp',
  summary: "Serve MCP over stdio as the key's owner (key also from ZANTARA_API_KEY)",
  options: { key: { type: 'string', value: 'KEY', description: 'The API key to act as (or ZANTARA_API_KEY)' } },
  async run({ values }, io) {
    const key = str(values.key) ?? io.env.ZANTARA_API_KEY;
    if (!key)
      throw new ZantaraError(
        'usage',
        'An API key is required: --key KEY or ZANTARA_API_KEY (create one with `zantara keys create`).',
      );
    const logger = pino({ level: io.env.LOG_LEVEL ?? 'warn' }, pino.destination({ dest: 2, sync: true }));
    const runtime = await openCliRuntime(io.env, { logger });
    const principal = await runtime.service(apiKeysService).verify(key.trim());
    if (!principal) {
      await runtime.close();
      throw new ZantaraError('unauthorized', 'The API key is unknown or revoked.');
    }
    const server = createMcpServer(runtime, principal);
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
    });
    // The client ends the session by closing our stdin.
    process.stdin.once('end', () => {
      void transport.close();
    });
    await server.connect(transport);
    await closed;
    await runtime.close();
    return 0;
  },
};
