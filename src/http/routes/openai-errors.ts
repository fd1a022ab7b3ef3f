import { APICallError } from '@ai-sdk/provider';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZantaraError } from '../../errors.ts';
import { errorBody } from '../envelope.ts';

/** OpenAI's `type` for each status, so OpenAI clients raise the error class their users expect. */
function typeFor(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** ZANTARA codes renamed to the codes OpenAI clients know. */
const CODES: Record<string, string> = { unauthorized: 'invalid_api_key', rate_limited: 'rate_limit_exceeded' };

/**
 * A failure as OpenAI's error body `{"error": {message, type, param, code}}` (plus the request id). A provider that
 * refused the request (a 4xx other than 429) is the caller's 400; its own text stays in the trace, never in the answer.
 */
export function openAiErrorResponse(c: Context, error: unknown): Response {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? 'unknown';
  const mapped = APICallError.isInstance(error) && error.statusCode !== undefined && error.statusCode < 500 && error.statusCode !== 429
    ? new ZantaraError('provider_rejected_request', `The provider refused the request (HTTP ${error.statusCode}).`, { status: 400 })
    : error;
  const { status, body } = errorBody(mapped, requestId);
  const issues = Array.isArray(body.issues) ? body.issues as Array<{ path: string; message: string }> : [];
  const message = issues.length ? `${body.message ?? ''} ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`.trim() : body.message;
  if (status === 429 && typeof body.retry_after_seconds === 'number') c.header('Retry-After', String(body.retry_after_seconds));
  return c.json({ error: { message: message ?? 'Internal error.', type: typeFor(status), param: issues[0]?.path || null,
    code: CODES[body.error] ?? body.error, request_id: requestId } }, status as ContentfulStatusCode);
}

/** The error as one `data:` event of a stream that has already started. */
export function openAiStreamError(error: unknown, requestId: string): { error: Record<string, unknown> } {
  const { status, body } = errorBody(error, requestId);
  return { error: { message: body.message ?? 'Internal error.', type: typeFor(status), param: null, code: CODES[body.error] ?? body.error, request_id: requestId } };
}
