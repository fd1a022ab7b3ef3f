import { ZantaraError } from '../../errors.ts';
import { retryAfterSeconds } from './google-auth.ts';

type GoogleErrorBody = {
  error?: { code?: number; message?: string; status?: string; errors?: Array<{ reason?: string }> } | string;
  error_description?: string;
};
type HttpishError = {
  status?: number;
  code?: string | number;
  message?: string;
  response?: { status?: number; headers?: unknown; data?: unknown };
};

/** HTTP status, Retry-After and Google's error message from a GaxiosError (or any error shaped like it). */
export function googleErrorParts(error: unknown): {
  status?: number;
  retryAfter?: string;
  message: string;
  reason?: string;
} {
  const e = (error ?? {}) as HttpishError;
  const status = e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined);
  const headers = e.response?.headers;
  let retryAfter: string | undefined;
  // gaxios may hand back node-fetch's Headers, not the global class: test for get().
  if (headers && typeof (headers as Headers).get === 'function')
    retryAfter = (headers as Headers).get('retry-after') ?? undefined;
  else if (headers && typeof headers === 'object') retryAfter = (headers as Record<string, string>)['retry-after'];
  let data = e.response?.data as GoogleErrorBody | string | undefined;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data) as GoogleErrorBody;
    } catch {
      /* not JSON */
    }
  }
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    try {
      data = JSON.parse(Buffer.from(data as ArrayBuffer).toString('utf8')) as GoogleErrorBody;
    } catch {
      data = undefined;
    }
  }
  const body = typeof data === 'object' && data ? data : undefined;
  const googleError = typeof body?.error === 'object' ? body.error : undefined;
  const message =
    googleError?.message ?? (typeof body?.error === 'string' ? body.error : undefined) ?? e.message ?? 'unknown error';
  const reason = googleError?.errors?.[0]?.reason ?? googleError?.status;
  return { status, retryAfter, message, reason };
}

/**
 * Turns a failure of a Google API call into the error a caller sees:
 * 401 → 502 `google_auth_failed` (ZANTARA's credentials, not the caller's), 403 → 403 `google_forbidden`
 * (or 429 when Google says it is a rate limit), 404 → `google_not_found`, 429 → `rate_limited` with
 * `retry_after_seconds`, 400 → 422 `google_invalid_request`, 5xx and network failures → 502 `google_unavailable`.
 */
export function mapGoogleError(error: unknown, what = 'Google'): ZantaraError {
  if (ZantaraError.isInstance(error)) return error;
  const { status, retryAfter, message, reason } = googleErrorParts(error);
  const provider = { provider: 'google', provider_status: status ?? null };
  if (
    status === 429 ||
    (status === 403 && reason && /rateLimitExceeded|userRateLimitExceeded|RESOURCE_EXHAUSTED/.test(reason))
  ) {
    const seconds = retryAfterSeconds(retryAfter);
    return new ZantaraError('rate_limited', `${what} is rate-limiting requests; retry in ${seconds} s.`, {
      status: 429,
      details: { retry_after_seconds: seconds, ...provider },
    });
  }
  if (status === 401) {
    return new ZantaraError('google_auth_failed', `${what} rejected ZANTARA's access token (${message}).`, {
      expose: true,
      status: 502,
      details: provider,
      cause: error,
    });
  }
  if (status === 403) {
    return new ZantaraError('google_forbidden', `${what} refused access: ${message}`, {
      status: 403,
      details: provider,
      cause: error,
    });
  }
  if (status === 404) {
    return new ZantaraError('google_not_found', `${what} found nothing there: ${message}`, {
      status: 404,
      details: provider,
      cause: error,
    });
  }
  if (status === 400 || status === 409 || status === 412 || status === 413) {
    return new ZantaraError('google_invalid_request', `${what} rejected the request: ${message}`, {
      status: 422,
      details: provider,
      cause: error,
    });
  }
  if (status !== undefined && status < 500 && status >= 400) {
    return new ZantaraError('google_error', `${what} answered ${status}: ${message}`, {
      expose: true,
      status: 502,
      details: provider,
      cause: error,
    });
  }
  const detail = status ? `answered ${status}` : `is unreachable (${message})`;
  return new ZantaraError('google_unavailable', `${what} ${detail}; try again later.`, {
    expose: true,
    status: 502,
    details: provider,
    cause: error,
  });
}
