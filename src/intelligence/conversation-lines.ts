/** A stored conversation as lines to summarise (intelligence.summarize), for its owner or for staff. */
import { existingTables } from '../analytics/store-tables.ts';
import { isStaff, type Principal } from '../auth/principal.ts';
import { notFound, ZantaraError } from '../errors.ts';
import type { Queryable } from '../store/store.ts';
import type { SummaryLine } from './summarizer.ts';

/**
 * @throws ZantaraError 422 not_available (conversations not stored) | 404 conversation_not_found (also for someone
 * else's conversation when the caller is a client) | 422 conversation_empty
 */
export async function conversationLines(
  db: Queryable,
  principal: Principal,
  id: string,
): Promise<{ lines: SummaryLine[]; source: Record<string, unknown> }> {
  const tables = await existingTables(db, ['conversations', 'conversation_messages']);
  if (tables.size < 2)
    throw new ZantaraError('not_available', 'Conversations are not stored on this server.', { status: 422 });
  const {
    rows: [conversation],
  } = await db.query<{ principal_id: string; channel: string; title: string | null; name: string | null }>(
    `SELECT c.principal_id, c.channel, c.title, p.display_name AS name FROM conversations c LEFT JOIN principals p ON p.id = c.principal_id WHERE c.id = $1`,
    [id],
  );
  // A client sees only their own conversations; someone else's is "not found", not "forbidden".
  if (!conversation || (!isStaff(principal) && conversation.principal_id !== principal.id)) {
    throw notFound('conversation_not_found', `No conversation ${id}.`);
  }
  const { rows } = await db.query<{ role: string; content: string; created_at: string }>(
    `SELECT role, content, created_at FROM conversation_messages WHERE conversation_id = $1 AND role IN ('user', 'assistant') AND content <> ''
     ORDER BY id LIMIT 400`,
    [id],
  );
  if (!rows.length)
    throw new ZantaraError('conversation_empty', 'The conversation has no messages to summarise.', { status: 422 });
  const client = conversation.name ?? 'Client';
  return {
    lines: rows.map((r) => ({ speaker: r.role === 'user' ? client : 'ZANTARA', text: r.content })),
    source: {
      kind: 'conversation',
      id,
      channel: conversation.channel,
      title: conversation.title,
      messages: rows.length,
      first_at: new Date(rows[0].created_at).toISOString(),
      last_at: new Date(rows[rows.length - 1].created_at).toISOString(),
    },
  };
}
