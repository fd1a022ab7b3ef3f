import type { Context } from 'hono';
import { ZantaraError } from '../errors.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

/** What Hono's `bodyLimit` (mounted in app.ts) answers for a body over the limit, in the envelope. */
export function tooLarge(): ZantaraError {
  return new ZantaraError('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`, {
    status: 413,
  });
}

/** The raw request body (already held to 1 MiB by `bodyLimit`); a body the client broke off is 400. */
export async function readBody(c: Context): Promise<Buffer> {
  try {
    return Buffer.from(await c.req.arrayBuffer());
  } catch (error) {
    throw new ZantaraError('invalid_request', 'The request body could not be read.', { status: 400, cause: error });
  }
}
