import { APICallError } from '@ai-sdk/provider';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZantaraError } from '../../errors.ts';
import type { Logger } from '../../telemetry/logger.ts';
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
 * A provider's own HTTP error as the caller's error: a request it refused (400, 413, 422) is the caller's 400 and a
 * model it does not know is a 404; its credentials or anything else failing is a 502. The provider's text stays in
 * the trace, never in the answer.
 */
function fromProvider(error: unknown): unknown {
  if (
    !APICallError.isInstance(error) ||
    error.statusCode === undefined ||
    error.statusCode >= 500 ||
    error.statusCode === 429
  )
    return error;
  const status = error.statusCode;
  if (status === 404)
    return new ZantaraError('model_not_found', 'The provider does not know this model.', { status: 404 });
  if (status === 400 || status === 413 || status === 422) {
    return new ZantaraError('provider_rejected_request', `The provider refused the request (HTTP ${status}).`, {
      status: 400,
    });
  }
  return new ZantaraError('provider_error', `The provider failed (HTTP ${status}).`, { status: 502, expose: true });
}

/** A failure as OpenAI's error body `{"error": {message, type, param, code}}` (plus the request id). */
export function openAiErrorResponse(c: Context, error: unknown, logger: Logger): Response {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? 'unknown';
  const mapped = fromProvider(error);
  if (!ZantaraError.isInstance(mapped) || !mapped.expose || mapped.status >= 500)
    logger.error({ err: error, requestId }, 'openai-compatible request failed');
  const { status, body } = errorBody(mapped, requestId);
  const issues = Array.isArray(body.issues) ? (body.issues as Array<{ path: string; message: string }>) : [];
  const message = issues.length
    ? `${body.message ?? ''} ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`.trim()
    : body.message;
  if (status === 429 && typeof body.retry_after_seconds === 'number')
    c.header('Retry-After', String(body.retry_after_seconds));
  return c.json(
    {
      error: {
        message: message ?? 'Internal error.',
        type: typeFor(status),
        param: issues[0]?.path || null,
        code: CODES[body.error] ?? body.error,
        request_id: requestId,
      },
    },
    status as ContentfulStatusCode,
  );
}

/** The error as one `data:` event of a stream that has already started. */
export function openAiStreamError(error: unknown, requestId: string): { error: Record<string, unknown> } {
  const { status, body } = errorBody(fromProvider(error), requestId);
  return {
    error: {
      message: body.message ?? 'Internal error.',
      type: typeFor(status),
      param: null,
      code: CODES[body.error] ?? body.error,
      request_id: requestId,
    },
  };
}
