/**
 * A route's provider chain as one AI SDK language model. Each call tries the providers in order and falls back to
 * the next on 429, 5xx, connection errors, timeouts (connect, first token, stall) and streams that break — as long as
 * nothing of the call has reached the caller yet. What "reached" means is the caller's: a JSON caller sees nothing
 * until the answer is complete, so its whole call can fall back (`holdBackChars: Infinity`); a streaming caller sees
 * text once the chain lets it through, after `holdBackChars` characters. A break after that is the turn's failure
 * (`StreamInterrupted`), recorded as a failed attempt. A provider that keeps failing is cut off by its circuit
 * breaker (`circuit-breaker.ts`). The chain is the only retry owner: provider clients and the AI SDK run with
 * `maxRetries: 0`. Every attempt is reported once, with its outcome, when it has one.
 */
import {
  APICallError,
  type LanguageModelV4,
  type LanguageModelV4CallOptions,
  type LanguageModelV4StreamPart,
  type LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import { ZantaraError } from '../errors.ts';
import { TextProtocolError } from './text-protocol.ts';
import { collectStream } from './agent-loop.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';

/** How long a provider may take: to answer with headers, to send its first token, and between two parts. */
export type ProviderTimeouts = { connectMs: number; firstTokenMs: number; stallMs: number };

export type ChainLink = { provider: string; model: string; languageModel: LanguageModelV4; timeouts: ProviderTimeouts };

export type AttemptOutcome = 'ok' | 'failed' | 'skipped_cooldown';
/** One provider attempt, as stored in the turn trace. */
export type Attempt = {
  provider: string;
  model: string;
  outcome: AttemptOutcome;
  latency_ms: number;
  /**
   * Why it failed: http_429, http_500, connection, connect_timeout, first_token_timeout, stall_timeout,
   * stream_dropped (the stream broke), or the error's name; `cooldown` for a skipped provider.
   */
  reason?: string;
  /** Whether tokens of this attempt had already reached the caller when it failed (no fallback was possible). */
  after_tokens?: boolean;
  error?: string;
};

export type ChainOptions = {
  breaker: CircuitBreaker;
  /** Characters of text held back before a streaming caller sees any; `Infinity` for a caller that waits for all. */
  holdBackChars: number;
  onAttempt(attempt: Attempt): void;
  /** The provider whose stream the caller is given (before its attempt has an outcome). */
  onAnswering?(answering: { provider: string; model: string }): void;
};

/** Every provider of the chain failed (or was cut off by its breaker). */
export function allProvidersFailed(attempts: Attempt[], cause?: unknown): ZantaraError {
  const summary = attempts.map((a) => `${a.provider}: ${a.reason ?? a.outcome}`).join(', ');
  return new ZantaraError(
    'model_unavailable',
    `No model provider could answer (${summary || 'none configured'}). Please try again later or contact the Bali Zero team.`,
    // Each attempt's provider text stays in the turn trace (staff only); the caller sees provider, model and reason.
    {
      status: 503,
      cause,
      details: { attempts: attempts.map(({ error: _text, ...attempt }) => attempt) },
      expose: true,
    },
  );
}

/** A provider took longer than its configured timeout. */
export class ProviderTimeout extends Error {
  readonly reason: 'connect_timeout' | 'first_token_timeout' | 'stall_timeout';
  constructor(reason: ProviderTimeout['reason'], ms: number) {
    super(`${reason.replace(/_/g, ' ')} after ${ms} ms`);
    this.name = 'ProviderTimeout';
    this.reason = reason;
  }
}

/** A stream broke after part of the answer had reached the caller: the turn fails, the caller may retry. */
export class StreamInterrupted extends Error {
  readonly provider: string;
  readonly reason: string;
  constructor(provider: string, reason: string, cause: unknown) {
    super(`${provider}: ${reason}: ${describe(cause)}`, { cause });
    this.name = 'StreamInterrupted';
    this.provider = provider;
    this.reason = reason;
  }

  static isInstance(error: unknown): error is StreamInterrupted {
    return (error as Error)?.name === 'StreamInterrupted' && typeof (error as StreamInterrupted).reason === 'string';
  }
}

/** Whether a failure should move the chain to its next provider, and the reason recorded. */
export function classifyFailure(error: unknown, streaming = false): { fallback: boolean; reason: string } {
  if (error instanceof ProviderTimeout) return { fallback: true, reason: error.reason };
  if (TextProtocolError.isInstance(error)) return { fallback: false, reason: 'TextProtocolError' };
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    // A stream that breaks after a 200 surfaces as "Failed to process successful response" with status 200.
    if (status === undefined || status < 400)
      return { fallback: true, reason: streaming ? 'stream_dropped' : 'connection' };
    if (status === 429 || status === 408 || status >= 500) return { fallback: true, reason: `http_${status}` };
    return { fallback: false, reason: `http_${status}` };
  }
  // Once the provider has started its answer, any break of the stream is that provider's failure.
  if (streaming) return { fallback: true, reason: 'stream_dropped' };
  const code =
    (error as { cause?: { code?: string }; code?: string })?.cause?.code ?? (error as { code?: string })?.code;
  if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|UND_ERR_\w+)$/.test(code))
    return { fallback: true, reason: 'connection' };
  if (error instanceof TypeError && /fetch failed|network|terminated/i.test(error.message))
    return { fallback: true, reason: 'connection' };
  return { fallback: false, reason: (error as Error)?.name ?? 'error' };
}

/** Parts that mean the provider has started answering (the first-token timeout stops, the stall timeout starts). */
function isFirstToken(part: LanguageModelV4StreamPart): boolean {
  return (
    part.type === 'text-delta' ||
    part.type === 'tool-call' ||
    part.type === 'tool-input-start' ||
    part.type === 'reasoning-delta' ||
    part.type === 'finish'
  );
}

function describe(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const text = String((error as Error)?.message ?? error);
  return (cause instanceof Error && !text.includes(cause.message) ? `${text} (${cause.message})` : text).slice(0, 300);
}

/** `promise`, or the error `onTimeout` makes when `ms` pass first. */
function within<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, ms));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const ignore = () => undefined;

/** An attempt's stream for the caller, or its failure and whether the chain may move on to the next provider. */
type LinkResult = { result: LanguageModelV4StreamResult } | { error: unknown; fallback: boolean; again?: boolean };

/**
 * The chain as a LanguageModelV4. `links` in order of preference; providers whose breaker is open are skipped unless
 * no provider is admitted, in which case all are tried in order (a last resort rather than no answer).
 */
export function createChainModel(links: ChainLink[], options: ChainOptions): LanguageModelV4 {
  const { breaker } = options;

  /** One attempt on one provider: resolves with a stream once the caller may see it, or throws the attempt's failure. */
  async function tryLink(
    link: ChainLink,
    callOptions: LanguageModelV4CallOptions,
    report: (attempt: Attempt) => void,
    firstTry: boolean,
  ): Promise<LinkResult> {
    const { timeouts } = link;
    const controller = new AbortController();
    const outer = callOptions.abortSignal;
    const onOuterAbort = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    const started = performance.now();
    let settled = false;
    const settle = (outcome: 'ok' | 'failed', error?: unknown, afterTokens = false) => {
      if (settled) return;
      settled = true;
      outer?.removeEventListener('abort', onOuterAbort);
      const attempt: Attempt = {
        provider: link.provider,
        model: link.model,
        outcome,
        latency_ms: Math.round(performance.now() - started),
      };
      if (outcome === 'ok') {
        breaker.recordSuccess(link.provider);
      } else {
        const failure = classifyFailure(error, true);
        attempt.reason = error instanceof ProviderTimeout ? error.reason : failure.reason;
        attempt.error = describe(error);
        if (afterTokens) attempt.after_tokens = true;
        if (failure.fallback) breaker.recordFailure(link.provider);
        else breaker.release(link.provider);
      }
      report(attempt);
    };
    /** The caller went away: no verdict on the provider, no attempt recorded. */
    const abandon = () => {
      if (settled) return;
      settled = true;
      outer?.removeEventListener('abort', onOuterAbort);
      breaker.release(link.provider);
    };

    let reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart> | undefined;
    const buffered: LanguageModelV4StreamPart[] = [];
    let done = false;
    let result: LanguageModelV4StreamResult;
    let connected = false;
    try {
      result = await within(
        Promise.resolve(link.languageModel.doStream({ ...callOptions, abortSignal: controller.signal })),
        timeouts.connectMs,
        () => new ProviderTimeout('connect_timeout', timeouts.connectMs),
      );
      connected = true;
      reader = result.stream.getReader();
      const firstTokenBy = started + timeouts.firstTokenMs;
      let answering = false;
      let heldChars = 0;
      for (;;) {
        const next = await within(reader.read(), answering ? timeouts.stallMs : firstTokenBy - performance.now(), () =>
          answering
            ? new ProviderTimeout('stall_timeout', timeouts.stallMs)
            : new ProviderTimeout('first_token_timeout', timeouts.firstTokenMs),
        );
        if (next.done) {
          done = true;
          break;
        }
        if (next.value.type === 'error') throw next.value.error;
        buffered.push(next.value);
        if (isFirstToken(next.value)) answering = true;
        if (next.value.type === 'text-delta') heldChars += next.value.delta.length;
        if (answering && heldChars >= options.holdBackChars) break;
      }
    } catch (error) {
      controller.abort(error);
      reader?.cancel(error).catch(ignore);
      if (outer?.aborted) {
        abandon();
        return { error, fallback: false };
      }
      // Errors before the response (HTTP status, refused connection) keep their own reason; after it, the stream broke.
      const failure = connected ? classifyFailure(error, true) : classifyFailure(error);
      // A connection that fails before any response (often a pooled keep-alive socket the server had just closed) is
      // tried once more on the same provider before it counts against it.
      const again = firstTry && !connected && failure.reason === 'connection';
      settleBefore(error, failure, again);
      return { error, fallback: failure.fallback, again };
    }
    options.onAnswering?.({ provider: link.provider, model: link.model });
    if (done) {
      settle('ok');
      return {
        result: {
          ...result,
          stream: new ReadableStream({
            start(c) {
              for (const part of buffered) c.enqueue(part);
              c.close();
            },
          }),
        },
      };
    }

    const open = reader;
    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      start(c) {
        for (const part of buffered) c.enqueue(part);
      },
      async pull(c) {
        try {
          const next = await within(
            open.read(),
            timeouts.stallMs,
            () => new ProviderTimeout('stall_timeout', timeouts.stallMs),
          );
          if (next.done) {
            settle('ok');
            c.close();
            return;
          }
          if (next.value.type === 'error') throw next.value.error;
          c.enqueue(next.value);
        } catch (error) {
          controller.abort(error);
          open.cancel(error).catch(ignore);
          if (outer?.aborted) {
            abandon();
            c.error(error);
            return;
          }
          settle('failed', error, true);
          const reason = error instanceof ProviderTimeout ? error.reason : classifyFailure(error, true).reason;
          c.enqueue({ type: 'error', error: new StreamInterrupted(link.provider, reason, error) });
          c.close();
        }
      },
      cancel(reason) {
        abandon();
        controller.abort(reason);
        return open.cancel(reason);
      },
    });
    return { result: { ...result, stream } };

    function settleBefore(error: unknown, failure: { fallback: boolean; reason: string }, again: boolean): void {
      if (settled) return;
      settled = true;
      outer?.removeEventListener('abort', onOuterAbort);
      const attempt: Attempt = {
        provider: link.provider,
        model: link.model,
        outcome: 'failed',
        latency_ms: Math.round(performance.now() - started),
        reason: failure.reason,
        error: describe(error),
      };
      if (again) {
        /* not counted yet: the same call tries this provider once more */
      } else if (failure.fallback) breaker.recordFailure(link.provider);
      else breaker.release(link.provider);
      report(attempt);
    }
  }

  async function stream(callOptions: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const attempts: Attempt[] = [];
    const report = (attempt: Attempt) => {
      attempts.push(attempt);
      options.onAttempt(attempt);
    };
    const admitted = links.map((l) => breaker.admit(l.provider));
    const lastResort = !admitted.some(Boolean);
    let lastError: unknown;
    for (const [i, link] of links.entries()) {
      if (!admitted[i] && !lastResort) {
        report({
          provider: link.provider,
          model: link.model,
          outcome: 'skipped_cooldown',
          latency_ms: 0,
          reason: 'cooldown',
        });
        continue;
      }
      let outcome = await tryLink(link, callOptions, report, true);
      if ('again' in outcome && outcome.again && !callOptions.abortSignal?.aborted)
        outcome = await tryLink(link, callOptions, report, false);
      if ('result' in outcome || !outcome.fallback) {
        // Providers admitted for this call but not reached give their probe back.
        for (const [j, later] of links.entries()) if (j > i && admitted[j]) breaker.release(later.provider);
        if ('result' in outcome) return outcome.result;
        throw outcome.error;
      }
      lastError = outcome.error;
    }
    throw allProvidersFailed(attempts, lastError);
  }

  return {
    specificationVersion: 'v4',
    provider: 'zantara-chain',
    modelId: links.map((l) => `${l.provider}:${l.model}`).join(' > '),
    supportedUrls: {},
    doStream: stream,
    // A non-streamed call (classifier, summary) is the streamed call, collected: the same timeouts and fallback apply.
    async doGenerate(callOptions) {
      return collectStream(await stream(callOptions));
    },
  };
}
