import type { Queryable } from '../store/store.ts';

export type ThreadEntry = {
  direction: 'in' | 'out';
  at: string;
  text: string;
  /** Inbound: queued | processing | done | waiting | failed. Outbound: the outbox status. */
  status: string;
  id: string;
  draft_reply?: string | null;
  pending_action_ids?: string[] | null;
  provider_message_id?: string | null;
};

/**
 * One client's conversation on a channel, oldest first: what they sent (inbound_messages) and what we sent or
 * are about to send (outbox rows to the same address), including sandboxed and failed ones.
 */
export async function channelThread(
  db: Queryable,
  channel: 'whatsapp' | 'instagram',
  sender: string,
  limit = 100,
): Promise<ThreadEntry[]> {
  const inbound = await db.query<{
    id: string;
    received_at: Date;
    text: string;
    status: string;
    draft_reply: string | null;
    pending_action_ids: string[] | null;
    provider_message_id: string;
  }>(
    `SELECT id, received_at, text, status, draft_reply, pending_action_ids, provider_message_id FROM inbound_messages
     WHERE channel = $1 AND sender = $2 ORDER BY received_at DESC LIMIT $3`,
    [channel, sender, limit],
  );
  const outbound = await db.query<{
    id: string;
    created_at: Date;
    payload: Record<string, any>;
    status: string;
    provider_message_id: string | null;
  }>(
    `SELECT id, created_at, payload, status, provider_message_id FROM outbox WHERE channel = $1 AND destination = $2 ORDER BY created_at DESC LIMIT $3`,
    [channel, sender, limit],
  );
  const entries: ThreadEntry[] = [
    ...inbound.rows.map((r) => ({
      direction: 'in' as const,
      at: new Date(r.received_at).toISOString(),
      text: r.text,
      status: r.status,
      id: r.id,
      draft_reply: r.draft_reply,
      pending_action_ids: r.pending_action_ids,
      provider_message_id: r.provider_message_id,
    })),
    ...outbound.rows.map((r) => ({
      direction: 'out' as const,
      at: new Date(r.created_at).toISOString(),
      status: r.status,
      id: r.id,
      provider_message_id: r.provider_message_id,
      text:
        typeof r.payload?.text === 'string'
          ? r.payload.text
          : r.payload?.type === 'template'
            ? `[template ${r.payload.template?.name}]`
            : '[message]',
    })),
  ];
  return entries.sort((a, b) => a.at.localeCompare(b.at)).slice(-limit);
}

/** The conversations waiting for staff (newest first): inbound messages with status waiting or failed. */
export async function waitingInbound(db: Queryable, limit = 50) {
  const { rows } = await db.query<{
    id: string;
    channel: string;
    sender: string;
    sender_name: string | null;
    principal_id: string | null;
    text: string;
    status: string;
    received_at: Date;
    draft_reply: string | null;
    error: string | null;
  }>(
    `SELECT id, channel, sender, sender_name, principal_id, text, status, received_at, draft_reply, error FROM inbound_messages
     WHERE status IN ('waiting', 'failed') ORDER BY received_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ ...r, received_at: new Date(r.received_at).toISOString() }));
}
