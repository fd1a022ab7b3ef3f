import type { Logger } from '../telemetry/logger.ts';

export type PollLoopOptions = {
  /** For logs. */
  name: string;
  /** Works until nothing is due. */
  drain(): Promise<unknown>;
  /** Idle wait between drains. */
  pollMs: number;
  /** Subscribes to "work arrived" signals so new work does not wait for the next poll; returns the unsubscribe. */
  onWake?(wake: () => void): () => void;
  logger: Logger;
};

/**
 * The loop behind background workers (outbox delivery, inbound processing): drain, sleep `pollMs`, drain again;
 * a wake-up during a drain runs another drain right after it. One drain at a time; `stop()` waits for it.
 */
export class PollLoop {
  readonly #options: PollLoopOptions;
  #timer?: NodeJS.Timeout;
  #running = false;
  #stopped = true;
  #again = false;
  #unsubscribe?: () => void;
  #loop?: Promise<void>;

  constructor(options: PollLoopOptions) {
    this.#options = options;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe = this.#options.onWake?.(() => this.kick());
    this.kick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unsubscribe?.();
    await this.#loop;
  }

  /** Drains now (or right after the drain under way). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = true;
    this.#loop = (async () => {
      try {
        do {
          this.#again = false;
          await this.#options.drain();
        } while (this.#again && !this.#stopped);
      } catch (error) {
        this.#options.logger.error({ err: error, loop: this.#options.name }, `${this.#options.name} batch failed`);
      } finally {
        this.#running = false;
        if (!this.#stopped) {
          this.#timer = setTimeout(() => this.kick(), this.#options.pollMs);
          this.#timer.unref();
        }
      }
    })();
  }
}
