import { ZantaraError } from '../errors.ts';

/**
 * fetch for the CLI: a server it cannot reach is one line naming the URL and the cause
 * (`Cannot reach http://127.0.0.1:8080/v1/chat: ECONNREFUSED 127.0.0.1:8080`), not `TypeError: fetch failed`.
 */
export async function cliFetch(url: string | URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ZantaraError('unreachable', `Cannot reach ${String(url)}: ${networkCause(error)}`, {
      status: 502,
      expose: true,
      cause: error,
    });
  }
}

/** The system error under undici's `fetch failed`: code and address when there are any. */
export function networkCause(error: unknown): string {
  let cause = (error as { cause?: unknown }).cause ?? error;
  // A connection that tried several addresses reports them in an AggregateError; the first tells the story.
  if (cause instanceof AggregateError && cause.errors.length) cause = cause.errors[0];
  const e = cause as { code?: string; address?: string; port?: number; message?: string };
  if (e.code) return `${e.code}${e.address ? ` ${e.address}${e.port ? `:${e.port}` : ''}` : ''}`;
  return e.message ?? String(cause);
}
