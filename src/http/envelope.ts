import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZantaraError } from '../errors.ts';
import { MAX_JSON_DEPTH, nestedTooDeep } from '../input-safety.ts';
import { isKeptResult } from '../handlers/pure-results.ts';
import { readBody } from './request-body.ts';

/** The one error envelope: `{ ok: false, error: code, message, ...details }`; 500s carry only a request id. */
export type ErrorBody = { ok: false; error: string; message?: string; request_id?: string; [detail: string]: unknown };

export function errorBody(error: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (ZantaraError.isInstance(error) && error.expose) {
    return {
      status: error.status,
      body: { ok: false, error: error.code, message: error.message, ...error.details, request_id: requestId },
    };
  }
  return {
    status: 500,
    body: { ok: false, error: 'internal_error', message: 'Internal error.', request_id: requestId },
  };
}

export function sendError(c: Context, error: unknown): Response {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? 'unknown';
  const { status, body } = errorBody(error, requestId);
  if (status === 429 && typeof body.retry_after_seconds === 'number')
    c.header('Retry-After', String(body.retry_after_seconds));
  if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="zantara"');
  return c.json(body, status as ContentfulStatusCode);
}

const encodedResults = new WeakMap<object, Uint8Array>();

/**
 * The success envelope `{ ok: true, data }`. A pure handler's kept result (deep-frozen, it never changes) is encoded
 * once and its UTF-8 bytes are reused for every response that carries it; anything else is encoded per call.
 */
export function sendOk(c: Context, data: unknown): Response {
  if (isKeptResult(data)) {
    let bytes = encodedResults.get(data);
    if (!bytes) encodedResults.set(data, (bytes = new TextEncoder().encode(JSON.stringify({ ok: true, data }))));
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/json' });
  }
  return c.body(JSON.stringify({ ok: true, data }), 200, { 'content-type': 'application/json' });
}

/** Parses a JSON request body: `invalid_json` for bad JSON, `invalid_request` when it is not an object. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const text = (await readBody(c)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ZantaraError('invalid_json', 'The request body is not valid JSON.', { status: 400 });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ZantaraError('invalid_request', 'The request body must be a JSON object.', { status: 400 });
  }
  // Free-form JSON is limited in depth at the edge: deeper values would overflow a recursive encoder further in.
  if (nestedTooDeep(value)) {
    throw new ZantaraError('invalid_request', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`, {
      status: 400,
    });
  }
  return value as Record<string, unknown>;
}
