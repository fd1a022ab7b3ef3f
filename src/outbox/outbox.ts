import { randomInt, randomUUID } from 'node:crypto';
import { ZantaraError, notFound } from '../errors.ts';
import { eventBusService } from '../realtime/event-bus.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { definePort, defineService } from '../runtime/service.ts';
import type { ChannelDeliverer, OutboxRow, OutboxStatus } from './channel-deliverer.ts';
import { outboxConfig, type OutboxConfig } from './outbox-config.ts';

export type EnqueueInput = {
  channel: string;
  destination: string;
  payload: Record<string, unknown>;
  /** Same key → same row, never a second message. Defaults to a fresh key (every call is a new message). */
  idempotencyKey?: string;
  createdBy?: string | null;
  /** Do not deliver before this time (rate-limited bulk sends). */
  notBefore?: Date;
};

export type EnqueueResult = {
  id: string;
  status: OutboxStatus;
  channel: string;
  /** True when this idempotency key was already used: the existing row is returned, nothing new is queued. */
  duplicate: boolean;
  /** What the caller should tell the user, e.g. "queued for delivery" or "would send (sandbox)". */
  note: string;
};

/** The public view of a row (handlers, events). */
export type OutboxView = {
  id: string;
  channel: string;
  destination: string;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
  next_attempt_at: string;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  created_by: string | null;
  payload?: Record<string, unknown>;
};

const MAX_BACKOFF_MS = 60 * 60 * 1000;

/**
 * The durable outbox: `enqueue` records a message (or a sandboxed "would send"), workers `claim` due rows with
 * `FOR UPDATE SKIP LOCKED` under a lease, and record `sent` / retry / `failed`. Status changes are published on
 * the event bus as `outbox.status`.
 */
export class Outbox {
  readonly runtime: Runtime;
  readonly config: OutboxConfig;
  readonly deliverers: readonly ChannelDeliverer[];
  readonly #wakeListeners = new Set<() => void>();

  constructor(runtime: Runtime, deliverers: readonly ChannelDeliverer[] = runtime.service(outboxDeliverers)) {
    this.runtime = runtime;
    this.config = outboxConfig(runtime.env);
    this.deliverers = deliverers;
  }

  deliverer(channel: string): ChannelDeliverer | undefined {
    return this.deliverers.find((d) => d.channel === channel);
  }

  /** Whether a message on this channel would really leave (credentials present, sandbox off). */
  willDeliver(channel: string, destination?: string): boolean {
    const deliverer = this.deliverer(channel);
    return Boolean(deliverer && !this.config.ZANTARA_SANDBOX && deliverer.isConfigured(this.runtime, destination));
  }

  async enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    const deliverer = this.deliverer(input.channel);
    if (!deliverer)
      throw new ZantaraError('unknown_channel', `No outbox channel named "${input.channel}".`, {
        status: 422,
        details: { channel: input.channel },
      });
    const status: OutboxStatus = this.willDeliver(input.channel, input.destination) ? 'pending' : 'sandboxed';
    const id = randomUUID();
    const key = input.idempotencyKey ?? `auto:${id}`;
    const now = this.runtime.clock.now();
    const due = input.notBefore && input.notBefore > now ? input.notBefore : now;
    const inserted = await this.runtime.store.query<{ id: string }>(
      `INSERT INTO outbox (id, idempotency_key, channel, destination, payload, status, max_attempts, next_attempt_at, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [
        id,
        key,
        input.channel,
        input.destination,
        JSON.stringify(input.payload),
        status,
        this.config.ZANTARA_OUTBOX_MAX_ATTEMPTS,
        due,
        input.createdBy ?? null,
        now,
      ],
    );
    if (inserted.rowCount === 0) {
      const existing = await this.findByKey(key);
      if (!existing)
        throw new ZantaraError('outbox_conflict', 'The idempotency key is in use but its row vanished; try again.', {
          status: 409,
        });
      if (existing.channel !== input.channel || existing.destination !== input.destination) {
        throw new ZantaraError(
          'idempotency_key_reused',
          'This idempotency key was already used for a different message.',
          { status: 409, details: { id: existing.id } },
        );
      }
      return {
        id: existing.id,
        status: existing.status,
        channel: existing.channel,
        duplicate: true,
        note: noteFor(existing.status),
      };
    }
    const row = (await this.get(id))!;
    this.#publish(row);
    if (status === 'pending') for (const wake of this.#wakeListeners) wake();
    return { id, status, channel: input.channel, duplicate: false, note: noteFor(status) };
  }

  async get(id: string): Promise<OutboxRow | undefined> {
    const { rows } = await this.runtime.store.query<OutboxRow>('SELECT * FROM outbox WHERE id = $1', [id]);
    return rows[0];
  }

  async findByKey(key: string): Promise<OutboxRow | undefined> {
    const { rows } = await this.runtime.store.query<OutboxRow>('SELECT * FROM outbox WHERE idempotency_key = $1', [
      key,
    ]);
    return rows[0];
  }

  async list(
    filter: { status?: OutboxStatus; channel?: string; limit?: number; before?: string } = {},
  ): Promise<OutboxRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (filter.channel) {
      params.push(filter.channel);
      where.push(`channel = $${params.length}`);
    }
    if (filter.before) {
      params.push(filter.before);
      where.push(`created_at < $${params.length}`);
    }
    params.push(filter.limit ?? 50);
    const { rows } = await this.runtime.store.query<OutboxRow>(
      `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT $${params.length}`,
      params,
    );
    return rows;
  }

  async counts(): Promise<Record<string, number>> {
    const { rows } = await this.runtime.store.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM outbox GROUP BY status',
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Puts a failed, cancelled or sandboxed row back in the queue (sandboxed only when the channel can now deliver). */
  async retry(id: string): Promise<OutboxRow> {
    const row = await this.get(id);
    if (!row) throw notFound('outbox_not_found', `No outbox message ${id}.`, { id });
    if (!['failed', 'cancelled', 'sandboxed'].includes(row.status)) {
      throw new ZantaraError(
        'outbox_not_retryable',
        `The message is ${row.status}; only failed, cancelled or sandboxed messages can be retried.`,
        { status: 409, details: { id, status: row.status } },
      );
    }
    if (!this.willDeliver(row.channel, row.destination)) {
      throw new ZantaraError(
        'channel_sandboxed',
        `The ${row.channel} channel is in sandbox (no credentials or ZANTARA_SANDBOX=1); the message would not be sent.`,
        { status: 409, details: { id, channel: row.channel } },
      );
    }
    const now = this.runtime.clock.now();
    const { rows } = await this.runtime.store.query<OutboxRow>(
      `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $2, lease_until = NULL, claimed_by = NULL, updated_at = $2
       WHERE id = $1 AND status = $3 RETURNING *`,
      [id, now, row.status],
    );
    if (!rows[0])
      throw new ZantaraError('outbox_conflict', 'The message changed while retrying; look again.', {
        status: 409,
        details: { id },
      });
    this.#publish(rows[0]);
    for (const wake of this.#wakeListeners) wake();
    return rows[0];
  }

  /** Cancels a message that has not started sending. */
  async cancel(id: string): Promise<OutboxRow> {
    const now = this.runtime.clock.now();
    const { rows } = await this.runtime.store.query<OutboxRow>(
      `UPDATE outbox SET status = 'cancelled', updated_at = $2, lease_until = NULL WHERE id = $1 AND status IN ('pending', 'sandboxed') RETURNING *`,
      [id, now],
    );
    if (rows[0]) {
      this.#publish(rows[0]);
      return rows[0];
    }
    const row = await this.get(id);
    if (!row) throw notFound('outbox_not_found', `No outbox message ${id}.`, { id });
    throw new ZantaraError(
      'outbox_not_cancellable',
      `The message is ${row.status}; only pending or sandboxed messages can be cancelled.`,
      { status: 409, details: { id, status: row.status } },
    );
  }

  /**
   * Claims up to `limit` due rows for `workerId`: pending rows whose time has come, and sending rows whose
   * lease expired (their worker died). Each claim counts as an attempt.
   */
  async claim(workerId: string, limit = this.config.ZANTARA_OUTBOX_BATCH): Promise<OutboxRow[]> {
    const now = this.runtime.clock.now();
    const leaseUntil = new Date(now.getTime() + this.config.ZANTARA_OUTBOX_LEASE_MS);
    const { rows } = await this.runtime.store.query<OutboxRow>(
      `UPDATE outbox SET status = 'sending', attempts = attempts + 1, lease_until = $2, claimed_by = $3, updated_at = $1
       WHERE id IN (
         SELECT id FROM outbox
         WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until <= $1)
         ORDER BY next_attempt_at, created_at
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, leaseUntil, workerId, limit],
    );
    return rows;
  }

  /** Records a delivery. Fenced by the claim: a worker whose lease was taken over does not overwrite. */
  async markSent(row: OutboxRow, workerId: string, providerMessageId: string): Promise<boolean> {
    const now = this.runtime.clock.now();
    const { rows } = await this.runtime.store.query<OutboxRow>(
      `UPDATE outbox SET status = 'sent', provider_message_id = $3, sent_at = $4, updated_at = $4, lease_until = NULL, last_error = NULL
       WHERE id = $1 AND status = 'sending' AND claimed_by = $2 RETURNING *`,
      [row.id, workerId, providerMessageId, now],
    );
    if (rows[0]) this.#publish(rows[0]);
    return Boolean(rows[0]);
  }

  /**
   * Records a failed attempt: retryable errors go back to pending with exponential backoff (or the provider's
   * Retry-After when longer) until max_attempts; permanent errors fail the row at once.
   */
  async markFailed(
    row: OutboxRow,
    workerId: string,
    error: string,
    options: { retryable: boolean; retryAfterMs?: number },
  ): Promise<OutboxRow | undefined> {
    const now = this.runtime.clock.now();
    const exhausted = row.attempts >= row.max_attempts;
    const status: OutboxStatus = options.retryable && !exhausted ? 'pending' : 'failed';
    const delay = Math.max(this.backoffMs(row.attempts), options.retryAfterMs ?? 0);
    const next = new Date(now.getTime() + (status === 'pending' ? delay : 0));
    const { rows } = await this.runtime.store.query<OutboxRow>(
      `UPDATE outbox SET status = $3, last_error = $4, next_attempt_at = $5, updated_at = $6, lease_until = NULL
       WHERE id = $1 AND status = 'sending' AND claimed_by = $2 RETURNING *`,
      [
        row.id,
        workerId,
        status,
        (exhausted && options.retryable ? `gave up after ${row.attempts} attempts: ` : '') + error.slice(0, 1000),
        next,
        now,
      ],
    );
    if (rows[0]) this.#publish(rows[0]);
    return rows[0];
  }

  /**
   * Applies a provider's delivery report (e.g. a WhatsApp status webhook carrying our outbox id): a row still
   * pending or sending is marked sent — so a worker that died after the provider accepted does not send again —
   * and a provider-side failure of a sent message is recorded as failed.
   */
  async applyProviderStatus(
    id: string,
    report: { providerMessageId: string; delivered: boolean; error?: string },
  ): Promise<OutboxRow | undefined> {
    const now = this.runtime.clock.now();
    const { rows } = report.delivered
      ? await this.runtime.store.query<OutboxRow>(
          `UPDATE outbox SET status = 'sent', provider_message_id = $2, sent_at = $3, updated_at = $3, lease_until = NULL
         WHERE id = $1 AND status IN ('pending', 'sending') RETURNING *`,
          [id, report.providerMessageId, now],
        )
      : await this.runtime.store.query<OutboxRow>(
          `UPDATE outbox SET status = 'failed', last_error = $3, updated_at = $4, lease_until = NULL
         WHERE id = $1 AND (provider_message_id = $2 OR status IN ('pending', 'sending')) AND status <> 'cancelled' RETURNING *`,
          [id, report.providerMessageId, `provider reported failure: ${report.error ?? 'unknown'}`.slice(0, 1000), now],
        );
    if (rows[0]) this.#publish(rows[0]);
    return rows[0];
  }

  /** Exponential backoff with ±20 % jitter, capped at an hour. */
  backoffMs(attempts: number): number {
    const base = Math.min(MAX_BACKOFF_MS, this.config.ZANTARA_OUTBOX_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
    const jitter = Math.floor(base * 0.2);
    return Math.min(MAX_BACKOFF_MS, base - jitter + (jitter > 0 ? randomInt(0, 2 * jitter + 1) : 0));
  }

  /** Called on every enqueue/retry of a deliverable row, so an in-process worker starts at once. */
  onWake(listener: () => void): () => void {
    this.#wakeListeners.add(listener);
    return () => this.#wakeListeners.delete(listener);
  }

  #publish(row: OutboxRow): void {
    this.runtime.service(eventBusService).publish('outbox.status', {
      id: row.id,
      channel: row.channel,
      destination: row.destination,
      status: row.status,
      attempts: row.attempts,
      last_error: row.last_error,
      provider_message_id: row.provider_message_id,
    });
  }
}

export function noteFor(status: OutboxStatus): string {
  switch (status) {
    case 'sandboxed':
      return 'would send: sandbox mode (no credentials for this channel, or ZANTARA_SANDBOX=1) — nothing was sent';
    case 'pending':
      return 'queued for delivery; not sent yet';
    case 'sending':
      return 'being delivered now';
    case 'sent':
      return 'sent: the provider accepted the message';
    case 'failed':
      return 'failed: the provider refused the message; staff can retry it';
    case 'cancelled':
      return 'cancelled: it will not be sent';
  }
}

export function outboxView(row: OutboxRow, withPayload = false): OutboxView {
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return {
    id: row.id,
    channel: row.channel,
    destination: row.destination,
    status: row.status,
    attempts: row.attempts,
    last_error: row.last_error,
    provider_message_id: row.provider_message_id,
    next_attempt_at: iso(row.next_attempt_at)!,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    sent_at: iso(row.sent_at),
    created_by: row.created_by,
    ...(withPayload ? { payload: row.payload } : {}),
  };
}

/** The channels the outbox delivers to, listed in the composition root (src/composition/deliverers.ts). */
export const outboxDeliverers = definePort<readonly ChannelDeliverer[]>('outbox deliverer list');

export const outboxService = defineService('outbox', (runtime) => new Outbox(runtime));

/**
 * Queues one outgoing message (shorthand for `runtime.service(outboxService).enqueue`).
 *
 * @example
 * const { id, status } = await enqueue(runtime, { channel: 'slack', destination: 'ops', payload: { text: 'New lead' }, createdBy: principal.id });
 */
export function enqueue(runtime: Runtime, input: EnqueueInput): Promise<EnqueueResult> {
  return runtime.service(outboxService).enqueue(input);
}
