import type { DestinationStream } from 'pino';

/** What this needs of sonic-boom (pino.destination): queue a string for an asynchronous write, or write it all now. */
type Sink = { write(data: string): unknown; flushSync(): void };

/**
 * A pino destination that gathers the lines logged during one turn of the event loop and hands them to the sink as
 * one string at the end of that turn (setImmediate). Under load one turn serves many requests, so their access lines
 * cost one asynchronous write instead of one each; a quiet server still writes every line at the end of its own turn,
 * so no line waits for a timer or a buffer to fill. `flushSync` writes everything at once (process exit).
 */
export class TickBatchedDestination implements DestinationStream {
  readonly #sink: Sink;
  #lines: string[] = [];
  #scheduled = false;

  constructor(sink: Sink) {
    this.#sink = sink;
  }

  write(line: string): void {
    this.#lines.push(line);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#handOver());
    }
  }

  /** Writes what is gathered and what the sink still holds, synchronously. */
  flushSync(): void {
    this.#handOver();
    this.#sink.flushSync();
  }

  #handOver(): void {
    this.#scheduled = false;
    if (this.#lines.length === 0) return;
    const data = this.#lines.length === 1 ? this.#lines[0] : this.#lines.join('');
    this.#lines = [];
    this.#sink.write(data);
  }
}
