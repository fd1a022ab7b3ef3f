import type { Queryable } from '../store/store.ts';

/** Meta's customer-service window: free-form replies are allowed for 24 hours after the person's last message. */
export const CUSTOMER_WINDOW_MS = 24 * 60 * 60 * 1000;

/** When this sender last wrote to us on this channel (from inbound_messages), or undefined if never. */
export async function lastInboundAt(
  db: Queryable,
  channel: 'whatsapp' | 'instagram',
  sender: string,
): Promise<Date | undefined> {
  const { rows } = await db.query<{ at: Date | null }>(
    'SELECT max(received_at) AS at FROM inbound_messages WHERE channel = $1 AND sender = $2',
    [channel, sender],
  );
  return rows[0]?.at ? new Date(rows[0].at) : undefined;
}

/** True when a free-form message may be sent now. */
export async function withinCustomerWindow(
  db: Queryable,
  channel: 'whatsapp' | 'instagram',
  sender: string,
  now: Date,
): Promise<{ open: boolean; lastInboundAt?: Date; closesAt?: Date }> {
  const last = await lastInboundAt(db, channel, sender);
  if (!last) return { open: false };
  const closesAt = new Date(last.getTime() + CUSTOMER_WINDOW_MS);
  return { open: now < closesAt, lastInboundAt: last, closesAt };
}
