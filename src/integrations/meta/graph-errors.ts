import { PermanentError, RetryableError, retryAfterMs, type DeliveryError } from '../../outbox/delivery-errors.ts';

/** Graph API error codes that mean "slow down / try later" (throttling, temporary unavailability). */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 32, 341, 613, 80007, 130429, 131000, 131016, 131056, 133004]);

/**
 * Turns a failed Graph API answer (`{ error: { message, type, code, error_subcode, fbtrace_id } }`) into a
 * delivery error: throttling codes, 429 and 5xx retry; everything else (bad token 190, invalid recipient,
 * outside the 24-hour window 131047, unapproved template 132001) is permanent.
 */
export async function graphError(response: Response, what: string): Promise<DeliveryError> {
  let body: { error?: { message?: string; code?: number; error_subcode?: number; type?: string } } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    /* not JSON */
  }
  const code = body.error?.code;
  const message = `${what} failed (HTTP ${response.status}${code !== undefined ? `, Graph error ${code}` : ''}): ${body.error?.message ?? response.statusText}`;
  const retryable =
    response.status === 429 || response.status >= 500 || (code !== undefined && RETRYABLE_CODES.has(code));
  return retryable
    ? new RetryableError(message, {
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        providerCode: code?.toString(),
      })
    : new PermanentError(message, { providerCode: code?.toString() });
}
