import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { BackgroundTask } from '../runtime/background.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { OutboxRow } from './channel-deliverer.ts';
import { DeliveryError } from './delivery-errors.ts';
import { messagingMetricsService } from './outbox-metrics.ts';
import { outboxService, type Outbox } from './outbox.ts';
import { PollLoop } from '../runtime/poll-loop.ts';

/**
 * Delivers due outbox rows. Several workers (processes, replicas) can run against one PostgreSQL: each claims
 * rows with `FOR UPDATE SKIP LOCKED` under a lease, so a row is worked on by one worker at a time, and a row
 * whose worker died is reclaimed when its lease expires.
 */
export class OutboxWorker {
  readonly id: string;
  readonly outbox: Outbox;
  readonly #runtime: Runtime;
  readonly #loop: PollLoop;

  constructor(runtime: Runtime, options: { outbox?: Outbox; id?: string } = {}) {
    this.#runtime = runtime;
    this.outbox = options.outbox ?? runtime.service(outboxService);
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#loop = new PollLoop({
      name: `outbox worker ${this.id}`,
      drain: () => this.drain(),
      pollMs: this.outbox.config.ZANTARA_OUTBOX_POLL_MS,
      onWake: (wake) => this.outbox.onWake(wake),
      logger: runtime.logger,
    });
  }

  /** Claims and delivers one batch; returns how many rows it handled. */
  async runOnce(): Promise<number> {
    const rows = await this.outbox.claim(this.id);
    await Promise.all(rows.map((row) => this.#deliver(row)));
    return rows.length;
  }

  /** Runs batches until none is due. */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.runOnce(); n > 0; n = await this.runOnce()) total += n;
    return total;
  }

  start(): void {
    this.#loop.start();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  async #deliver(row: OutboxRow): Promise<void> {
    const log = this.#runtime.logger;
    const deliverer = this.outbox.deliverer(row.channel);
    if (!deliverer) {
      await this.outbox.markFailed(row, this.id, `no deliverer for channel ${row.channel}`, { retryable: false });
      return;
    }
    if (row.attempts > row.max_attempts) {
      await this.outbox.markFailed(
        row,
        this.id,
        `gave up after ${row.max_attempts} attempts (the last worker stopped mid-delivery)`,
        { retryable: false },
      );
      return;
    }
    if (!this.outbox.willDeliver(row.channel, row.destination)) {
      // Credentials removed or sandbox switched on after the row was queued: never send, say so.
      await this.outbox.markFailed(row, this.id, `channel ${row.channel} is now in sandbox; not sent`, {
        retryable: false,
      });
      return;
    }
    try {
      // A row claimed before (attempts > 1) may have reached the provider just before its worker died.
      if (row.attempts > 1 && deliverer.findDelivered) {
        const found = await deliverer.findDelivered(this.#runtime, row);
        if (found) {
          await this.outbox.markSent(row, this.id, found.providerMessageId);
          this.#runtime
            .service(messagingMetricsService)
            .deliveries.inc({ channel: row.channel, outcome: 'reconciled' });
          log.info(
            { id: row.id, channel: row.channel },
            'outbox row was already delivered before a crash; not sent again',
          );
          return;
        }
      }
      const { providerMessageId } = await deliverer.deliver(this.#runtime, row);
      const recorded = await this.outbox.markSent(row, this.id, providerMessageId);
      if (!recorded) log.warn({ id: row.id, worker: this.id }, 'outbox lease was lost during delivery');
      this.#runtime.service(messagingMetricsService).deliveries.inc({ channel: row.channel, outcome: 'sent' });
    } catch (error) {
      const retryable = DeliveryError.isInstance(error) ? error.retryable : true;
      const retryAfterMs =
        DeliveryError.isInstance(error) && 'retryAfterMs' in error
          ? (error as { retryAfterMs?: number }).retryAfterMs
          : undefined;
      const message = error instanceof Error ? error.message : String(error);
      log.warn(
        { id: row.id, channel: row.channel, attempts: row.attempts, retryable, err: message },
        'outbox delivery failed',
      );
      const updated = await this.outbox.markFailed(row, this.id, message, { retryable, retryAfterMs });
      this.#runtime
        .service(messagingMetricsService)
        .deliveries.inc({ channel: row.channel, outcome: updated?.status === 'pending' ? 'retry' : 'failed' });
    }
  }
}

/** The server's outbox worker: starts with the process, stops (finishing its batch) at close. */
export const outboxWorkerTask: BackgroundTask = {
  name: 'outbox-worker',
  start(runtime) {
    const worker = new OutboxWorker(runtime);
    worker.start();
    runtime.onClose(() => worker.stop());
  },
};
