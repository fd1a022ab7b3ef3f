import { randomUUID } from 'node:crypto';
import { cleanJson, cleanText } from '../input-safety.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { defineService } from '../runtime/service.ts';
import { eventBusService } from '../realtime/event-bus.ts';
import type { InboundMessage } from './meta-webhook-payload.ts';

export type InboundStatus = 'queued' | 'processing' | 'done' | 'waiting' | 'failed';

export type InboundRow = {
  id: string;
  channel: 'whatsapp' | 'instagram';
  provider_message_id: string;
  sender: string;
  sender_name: string | null;
  principal_id: string | null;
  text: string;
  message_type: string;
  sent_at: Date | null;
  received_at: Date;
  status: InboundStatus;
  attempts: number;
  lease_until: Date | null;
  next_attempt_at: Date;
  conversation_id: string | null;
  turn_id: string | null;
  language: string | null;
  draft_reply: string | null;
  reply_outbox_id: string | null;
  pending_action_ids: string[] | null;
  error: string | null;
  processed_at: Date | null;
};

/**
 * The durable inbound queue: the webhook stores each message once (unique per channel and provider message id,
 * so Meta's retries and replayed bodies are ignored) and returns; processors claim queued rows under a lease.
 */
export class InboundQueue {
  readonly #runtime: Runtime;
  readonly #wake = new Set<() => void>();

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  /** Stores new messages; returns the rows actually inserted (duplicates are skipped). */
  async record(messages: InboundMessage[]): Promise<InboundRow[]> {
    const inserted: InboundRow[] = [];
    const now = this.#runtime.clock.now();
    for (const m of messages) {
      // Third-party text is cleaned, not refused (NUL, lone surrogates), and one message that still fails to store is
      // logged and skipped: it must never make Meta retry, and so block, the whole batch forever.
      try {
        const { rows } = await this.#runtime.store.query<InboundRow>(
          `INSERT INTO inbound_messages (id, channel, provider_message_id, sender, sender_name, text, message_type, payload, sent_at, received_at, next_attempt_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
           ON CONFLICT (channel, provider_message_id) DO NOTHING RETURNING *`,
          [
            randomUUID(),
            m.channel,
            cleanText(m.providerMessageId),
            cleanText(m.sender),
            m.senderName ? cleanText(m.senderName) : null,
            cleanText(m.text.slice(0, 10_000)),
            cleanText(m.type),
            JSON.stringify(cleanJson(m.raw)),
            validDate(m.sentAt),
            now,
          ],
        );
        if (rows[0]) inserted.push(rows[0]);
      } catch (error) {
        this.#runtime.logger.error({ err: error, channel: m.channel }, 'inbound message could not be stored; skipped');
      }
    }
    const bus = this.#runtime.service(eventBusService);
    for (const row of inserted) {
      bus.publish('inbound.message', {
        id: row.id,
        channel: row.channel,
        sender: row.sender,
        sender_name: row.sender_name,
        text: row.text,
        status: row.status,
      });
    }
    if (inserted.length) for (const wake of this.#wake) wake();
    return inserted;
  }

  async claim(workerId: string, leaseMs: number, limit = 5): Promise<InboundRow[]> {
    const now = this.#runtime.clock.now();
    const { rows } = await this.#runtime.store.query<InboundRow>(
      `UPDATE inbound_messages SET status = 'processing', attempts = attempts + 1, lease_until = $2, error = NULL
       WHERE id IN (
         SELECT id FROM inbound_messages
         WHERE (status = 'queued' AND next_attempt_at <= $1) OR (status = 'processing' AND lease_until <= $1)
         ORDER BY received_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    void workerId;
    return rows.sort((a, b) => new Date(a.received_at).getTime() - new Date(b.received_at).getTime());
  }

  async update(id: string, fields: Partial<Omit<InboundRow, 'id'>>): Promise<InboundRow | undefined> {
    const entries = Object.entries(fields);
    if (!entries.length) return undefined;
    const sets = entries.map(([k], i) => `${k} = $${i + 2}`);
    const values = entries.map(([k, v]) => (k === 'pending_action_ids' && v !== null ? JSON.stringify(v) : v));
    const { rows } = await this.#runtime.store.query<InboundRow>(
      `UPDATE inbound_messages SET ${sets.join(', ')} WHERE id = $1 RETURNING *`,
      [id, ...values],
    );
    return rows[0];
  }

  async get(id: string): Promise<InboundRow | undefined> {
    const { rows } = await this.#runtime.store.query<InboundRow>('SELECT * FROM inbound_messages WHERE id = $1', [id]);
    return rows[0];
  }

  onWake(listener: () => void): () => void {
    this.#wake.add(listener);
    return () => this.#wake.delete(listener);
  }
}

export const inboundQueueService = defineService('inbound-queue', (runtime) => new InboundQueue(runtime));

/** A sender's timestamp only when it is a real date PostgreSQL can store (year 1–9999). */
function validDate(date: Date | undefined): Date | null {
  const time = date?.getTime();
  return time !== undefined && Number.isFinite(time) && time > -62_135_596_800_000 && time < 253_402_300_800_000
    ? date!
    : null;
}
