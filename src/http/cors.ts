import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { z } from 'zod';
import { parseEnv, type Env } from '../config/env.ts';

const corsEnv = z.object({
  ZANTARA_CORS_ORIGINS: z
    .string()
    .optional()
    .describe(
      'Comma-separated browser origins allowed to call the API (e.g. https://app.example.com), or *; unset: off',
    ),
});

/**
 * Hono's CORS middleware for the origins in `ZANTARA_CORS_ORIGINS`, or undefined when it is not set (CORS off, the
 * default). Credentials are never allowed: a browser caller sends its API key in a header like any other client.
 */
export function corsMiddleware(env: Env): MiddlewareHandler | undefined {
  const { ZANTARA_CORS_ORIGINS } = parseEnv(corsEnv, env);
  const origins = (ZANTARA_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (!origins.length) return undefined;
  return cors({
    origin: origins.includes('*') ? '*' : origins,
    allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: [
      'authorization',
      'x-api-key',
      'content-type',
      'accept',
      'x-request-id',
      'mcp-protocol-version',
      'mcp-session-id',
      'last-event-id',
    ],
    exposeHeaders: ['x-request-id', 'retry-after', 'mcp-session-id'],
    maxAge: 600,
  });
}
