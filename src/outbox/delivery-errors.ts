/**
 * What a channel deliverer throws when a provider refuses a message. The worker retries a `RetryableError`
 * (after `retryAfterMs` when the provider said so, else with exponential backoff) and stops at a `PermanentError`.
 */
const marker = Symbol.for('zantara.delivery-error');

export class DeliveryError extends Error {
  readonly [marker] = true;
  readonly retryable: boolean;
  /** The provider's own error code (e.g. Slack `channel_not_found`, Graph `190`). */
  readonly providerCode?: string;

  constructor(message: string, options: { retryable: boolean; providerCode?: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'DeliveryError';
    this.retryable = options.retryable;
    this.providerCode = options.providerCode;
  }

  static isInstance(error: unknown): error is DeliveryError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** The provider will never accept this message as it is (bad auth, unknown recipient, invalid body). */
export class PermanentError extends DeliveryError {
  constructor(message: string, options: { providerCode?: string; cause?: unknown } = {}) {
    super(message, { ...options, retryable: false });
    this.name = 'PermanentError';
  }
}

/** Try again later (rate limit, 5xx, network). `retryAfterMs` comes from the provider's Retry-After when given. */
export class RetryableError extends DeliveryError {
  readonly retryAfterMs?: number;

  constructor(message: string, options: { retryAfterMs?: number; providerCode?: string; cause?: unknown } = {}) {
    super(message, { ...options, retryable: true });
    this.name = 'RetryableError';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Maps an HTTP answer that is not a success to a delivery error: 408/425/429 and 5xx are retryable,
 * other 4xx permanent. Network failures (fetch throws) are retryable.
 */
export function errorForStatus(
  status: number,
  message: string,
  options: { retryAfter?: string | null; providerCode?: string } = {},
): DeliveryError {
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    return new RetryableError(message, {
      retryAfterMs: retryAfterMs(options.retryAfter),
      providerCode: options.providerCode,
    });
  }
  return new PermanentError(message, { providerCode: options.providerCode });
}

/** Runs a fetch and turns network failures into RetryableError. */
export async function fetchForDelivery(url: string, init: RequestInit & { timeoutMs?: number }): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(init.timeoutMs ?? 15_000) });
  } catch (error) {
    throw new RetryableError(`Network error calling ${new URL(url).host}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
