import type { DestinationStream } from 'pino';

/** What this needs of sonic-boom (pino.destination with `sync: true`): write a string now, flush what it holds. */
type Sink = { write(data: string): unknown; flushSync(): void };

export type BatchOptions = {
  /** Longest a line waits before it is written (ms). */
  maxDelayMs: number;
  /** Gathered characters that are written at once, without waiting for the timer. */
  maxChars: number;
};

export const DEFAULT_BATCH: BatchOptions = { maxDelayMs: 10, maxChars: 64 * 1024 };

/**
 * A pino destination that gathers lines and writes them to the sink in one synchronous write, at most `maxDelayMs`
 * after the first of them or as soon as `maxChars` are gathered. Under load one write carries hundreds of access
 * lines instead of one write per line or per event-loop turn, and no write makes a round trip through libuv's thread
 * pool (BENCHMARKS.md has what that was worth). The timer does not keep the process alive; what is
 * gathered is written by `flushSync` (createLogger calls it on exit). A crash that kills the process outright loses
 * at most the last `maxDelayMs` of lines.
 */
export class BatchedDestination implements DestinationStream {
  readonly #sink: Sink;
  readonly #options: BatchOptions;
  #lines: string[] = [];
  #chars = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(sink: Sink, options: BatchOptions = DEFAULT_BATCH) {
    this.#sink = sink;
    this.#options = options;
  }

  write(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length;
    if (this.#chars >= this.#options.maxChars) this.#writeOut();
    else this.#timer ??= setTimeout(() => this.#writeOut(), this.#options.maxDelayMs).unref();
  }

  /** Writes what is gathered and what the sink still holds, now. */
  flushSync(): void {
    this.#writeOut();
    this.#sink.flushSync();
  }

  #writeOut(): void {
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    if (this.#lines.length === 0) return;
    const data = this.#lines.length === 1 ? this.#lines[0] : this.#lines.join('');
    this.#lines = [];
    this.#chars = 0;
    this.#sink.write(data);
  }
}
