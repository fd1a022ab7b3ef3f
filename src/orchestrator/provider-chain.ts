/**
 * A route's provider chain as one AI SDK language model. Each call tries the providers in order and falls back
 * to the next on 429, 5xx, timeouts and connection errors — as long as nothing has been streamed yet (once the
 * first token is out, a failure is the turn's failure). A provider that keeps failing is cooled down. The chain
 * is the only retry owner: provider clients and the AI SDK run with `maxRetries: 0`. Every attempt is reported.
 */
import { APICallError, type LanguageModelV4, type LanguageModelV4CallOptions, type LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { ZantaraError } from '../errors.ts';
import type { Clock } from '../runtime/clock.ts';

export type ChainLink = { provider: string; model: string; languageModel: LanguageModelV4 };

export type AttemptOutcome = 'ok' | 'failed' | 'skipped_cooldown';
/** One provider attempt, as stored in the turn trace. */
export type Attempt = {
  provider: string;
  model: string;
  outcome: AttemptOutcome;
  latency_ms: number;
  /** Why it failed: http_429, http_500, timeout, connection, or the error's name. */
  reason?: string;
  error?: string;
};

export type CooldownSettings = { failures: number; cooldownMs: number };

/** Remembers consecutive failures per provider and cools a provider down after `failures` of them. */
export class CooldownTracker {
  readonly #clock: Clock;
  readonly #settings: CooldownSettings;
  readonly #state = new Map<string, { failures: number; until: number }>();

  constructor(clock: Clock, settings: CooldownSettings) {
    this.#clock = clock;
    this.#settings = settings;
  }

  isCooling(provider: string): boolean {
    const state = this.#state.get(provider);
    return state !== undefined && state.until > this.#clock.now().getTime();
  }

  recordFailure(provider: string): void {
    const state = this.#state.get(provider) ?? { failures: 0, until: 0 };
    state.failures++;
    if (state.failures >= this.#settings.failures) {
      state.until = this.#clock.now().getTime() + this.#settings.cooldownMs;
      state.failures = 0;
    }
    this.#state.set(provider, state);
  }

  recordSuccess(provider: string): void {
    this.#state.delete(provider);
  }
}

export type ChainOptions = {
  cooldown: CooldownTracker;
  /** How long to wait for a provider's first token (or whole answer, for non-streamed calls) before moving on. */
  firstTokenTimeoutMs: number;
  onAttempt(attempt: Attempt): void;
};

/** Every provider of the chain failed (or was cooling down). */
export function allProvidersFailed(attempts: Attempt[], cause?: unknown): ZantaraError {
  const summary = attempts.map((a) => `${a.provider}: ${a.reason ?? a.outcome}`).join(', ');
  return new ZantaraError('model_unavailable', `No model provider could answer (${summary || 'none configured'}). Please try again later or contact the Bali Zero team.`,
    // Each attempt's provider text stays in the turn trace (staff only); the caller sees provider, model and reason.
    { status: 503, cause, details: { attempts: attempts.map(({ error: _text, ...attempt }) => attempt) }, expose: true });
}

class FirstTokenTimeout extends Error {
  constructor(ms: number) {
    super(`no first token within ${ms} ms`);
    this.name = 'FirstTokenTimeout';
  }
}

/** Whether a failure should move the chain to its next provider, and the reason recorded. */
export function classifyFailure(error: unknown): { fallback: boolean; reason: string } {
  if (error instanceof FirstTokenTimeout) return { fallback: true, reason: 'timeout' };
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === undefined) return { fallback: true, reason: 'connection' };
    if (status === 429 || status === 408 || status >= 500) return { fallback: true, reason: `http_${status}` };
    return { fallback: false, reason: `http_${status}` };
  }
  const code = (error as { cause?: { code?: string }; code?: string })?.cause?.code ?? (error as { code?: string })?.code;
  if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|UND_ERR_\w+)$/.test(code)) return { fallback: true, reason: 'connection' };
  if (error instanceof TypeError && /fetch failed|network/i.test(error.message)) return { fallback: true, reason: 'connection' };
  return { fallback: false, reason: (error as Error)?.name ?? 'error' };
}

/** Parts that mean the provider has started answering (after them, no fallback). */
function isFirstToken(part: LanguageModelV4StreamPart): boolean {
  return part.type === 'text-delta' || part.type === 'tool-call' || part.type === 'tool-input-start' || part.type === 'reasoning-delta' || part.type === 'finish';
}

function message(error: unknown): string {
  return String((error as Error)?.message ?? error).slice(0, 300);
}

/**
 * The chain as a LanguageModelV4. `links` in order of preference; cooled-down providers are skipped unless
 * every provider is cooling down, in which case all are tried in order.
 */
export function createChainModel(links: ChainLink[], options: ChainOptions): LanguageModelV4 {
  async function attempt<T>(run: (link: ChainLink, signal: AbortSignal, timedOut: () => void) => Promise<T>, callOptions: LanguageModelV4CallOptions): Promise<T> {
    const attempts: Attempt[] = [];
    const anyWarm = links.some((l) => !options.cooldown.isCooling(l.provider));
    let lastError: unknown;
    for (const link of links) {
      if (anyWarm && options.cooldown.isCooling(link.provider)) {
        const skipped: Attempt = { provider: link.provider, model: link.model, outcome: 'skipped_cooldown', latency_ms: 0, reason: 'cooldown' };
        attempts.push(skipped);
        options.onAttempt(skipped);
        continue;
      }
      const controller = new AbortController();
      const outer = callOptions.abortSignal;
      const onOuterAbort = () => controller.abort(outer?.reason);
      outer?.addEventListener('abort', onOuterAbort, { once: true });
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new FirstTokenTimeout(options.firstTokenTimeoutMs);
          controller.abort(error);
          reject(error);
        }, options.firstTokenTimeoutMs);
      });
      try {
        const result = await Promise.race([run(link, controller.signal, () => clearTimeout(timer)), timeout]);
        clearTimeout(timer);
        const ok: Attempt = { provider: link.provider, model: link.model, outcome: 'ok', latency_ms: Math.round(performance.now() - started) };
        attempts.push(ok);
        options.onAttempt(ok);
        options.cooldown.recordSuccess(link.provider);
        return result;
      } catch (error) {
        clearTimeout(timer);
        outer?.removeEventListener('abort', onOuterAbort);
        if (outer?.aborted) throw error;
        const failure = classifyFailure(error);
        const failed: Attempt = { provider: link.provider, model: link.model, outcome: 'failed', latency_ms: Math.round(performance.now() - started),
          reason: failure.reason, error: message(error) };
        attempts.push(failed);
        options.onAttempt(failed);
        if (!failure.fallback) throw error;
        options.cooldown.recordFailure(link.provider);
        lastError = error;
      }
    }
    throw allProvidersFailed(attempts, lastError);
  }

  return {
    specificationVersion: 'v4',
    provider: 'zantara-chain',
    modelId: links.map((l) => `${l.provider}:${l.model}`).join(' > '),
    supportedUrls: {},

    doGenerate(callOptions) {
      return attempt((link, signal) => Promise.resolve(link.languageModel.doGenerate({ ...callOptions, abortSignal: signal })), callOptions);
    },

    doStream(callOptions) {
      return attempt(async (link, signal) => {
        const result = await link.languageModel.doStream({ ...callOptions, abortSignal: signal });
        const reader = result.stream.getReader();
        const buffered: LanguageModelV4StreamPart[] = [];
        let done = false;
        const aborted = new Promise<never>((_, reject) => {
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
        aborted.catch(() => undefined);
        for (;;) {
          const next = await Promise.race([reader.read(), aborted]);
          if (next.done) { done = true; break; }
          if (next.value.type === 'error') throw next.value.error;
          buffered.push(next.value);
          if (isFirstToken(next.value)) break;
        }
        const stream = new ReadableStream<LanguageModelV4StreamPart>({
          start(controller) {
            for (const part of buffered) controller.enqueue(part);
            if (done) controller.close();
          },
          async pull(controller) {
            if (done) return;
            try {
              const next = await reader.read();
              if (next.done) { done = true; controller.close(); } else controller.enqueue(next.value);
            } catch (error) {
              controller.enqueue({ type: 'error', error });
              done = true;
              controller.close();
            }
          },
          cancel(reason) { return reader.cancel(reason); },
        });
        return { ...result, stream };
      }, callOptions);
    },
  };
}
