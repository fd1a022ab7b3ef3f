import type { Runtime } from '../runtime/runtime.ts';

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'sandboxed', 'cancelled'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** One outbox row as the worker and the deliverers see it. */
export type OutboxRow = {
  id: string;
  idempotency_key: string;
  channel: string;
  destination: string;
  payload: Record<string, unknown>;
  status: OutboxStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date;
  lease_until: Date | null;
  claimed_by: string | null;
  last_error: string | null;
  provider_message_id: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
};

/**
 * How one channel (whatsapp, slack, gmail…) delivers an outbox row. `deliver` returns the provider's message id
 * or throws `PermanentError` / `RetryableError` (delivery-errors.ts). A channel whose `isConfigured` is false is
 * sandboxed: its rows are recorded as `sandboxed` and never sent.
 *
 * @example
 * export const gmailDeliverer: ChannelDeliverer = {
 *   channel: 'gmail',
 *   isConfigured: (rt) => Boolean(rt.env.GOOGLE_SERVICE_ACCOUNT_JSON),
 *   async deliver(rt, row) { const id = await sendWithGmail(rt, row.destination, row.payload); return { providerMessageId: id }; },
 * };
 */
export type ChannelDeliverer = {
  channel: string;
  /** False → sandboxed. `destination` lets a channel with per-destination credentials (a named webhook) answer per row. */
  isConfigured(runtime: Runtime, destination?: string): boolean;
  deliver(runtime: Runtime, row: OutboxRow): Promise<{ providerMessageId: string }>;
  /**
   * Optional crash recovery: when a row is reclaimed after a worker died mid-delivery, asks the provider whether
   * the message was already accepted (e.g. Slack message metadata carrying the outbox id). Returning an id marks
   * the row sent without sending again.
   */
  findDelivered?(runtime: Runtime, row: OutboxRow): Promise<{ providerMessageId: string } | undefined>;
};
