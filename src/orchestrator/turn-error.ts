/**
 * Errors of a turn as its caller sees them. Provider details (status, body, stack) stay in the turn's trace and the
 * log; the caller gets a stable code and a plain sentence that says what to do.
 */
import { ZantaraError } from '../errors.ts';
import { TextProtocolError } from './text-protocol.ts';
import { StreamInterrupted } from './provider-chain.ts';

export function turnError(error: unknown): unknown {
  if (ZantaraError.isInstance(error)) return error;
  if (TextProtocolError.isInstance(error))
    return new ZantaraError('model_output_invalid', error.message, { status: 502, cause: error, expose: true });
  if (StreamInterrupted.isInstance(error)) {
    return new ZantaraError(
      'model_interrupted',
      'The answer was cut off because the model provider stopped responding. Please send your message again.',
      { status: 502, cause: error, expose: true, details: { retry: true } },
    );
  }
  const name = (error as Error)?.name;
  if (name === 'AbortError')
    return new ZantaraError('cancelled', 'The request was cancelled.', { status: 499, cause: error, expose: true });
  // The provider's own text may carry keys or internals: clients get a generic message, staff read it in the trace.
  return new ZantaraError(
    'model_error',
    'The model provider failed. Please try again later or contact the Bali Zero team.',
    { status: 502, cause: error, expose: true },
  );
}

/** A turn answered but not stored is not given to its caller: it would be lost at the next restart. */
export function turnNotSaved(cause: unknown): ZantaraError {
  return new ZantaraError('turn_not_saved', 'The answer could not be saved. Please send your message again.', {
    status: 503,
    cause,
    expose: true,
    details: { retry: true },
  });
}
