/**
 * Conversations and their messages, per principal. A principal can only read or continue its own
 * conversations: someone else's id is answered exactly like an unknown one (404), so ids leak nothing.
 * The model sees a window of recent messages within a token budget plus a rolling summary of older ones.
 * A turn's messages are stored before its answer is returned (see `saveTurn` in turn-traces.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.ts';
import { notFound } from '../errors.ts';
import type { Queryable } from '../store/store.ts';

export type Conversation = {
  id: string;
  principal_id: string;
  channel: string;
  title: string | null;
  summary: string | null;
  summarized_through: number;
};
export type StoredMessage = {
  id: number;
  role: 'user' | 'assistant' | 'tool';
  content: string;
  parts: unknown;
  created_at: string;
};

/** A rough token count (about four characters per token), enough to keep a prompt within budget. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export class Conversations {
  readonly #db: Queryable;
  readonly #now: () => Date;
  constructor(db: Queryable, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  /**
   * Continues `id` when it is the principal's own; otherwise (optionally resuming a recent one) a new conversation,
   * not yet stored: `saveTurn` inserts it with the first turn.
   */
  async open(
    principal: Principal,
    id: string | undefined,
    channel: string,
    firstMessage: string,
    resume?: { activeSince: Date },
  ): Promise<Conversation & { created: boolean }> {
    if (id) {
      const found = await this.get(principal, id);
      return { ...found, created: false };
    }
    if (resume) {
      const { rows } = await this.#db.query<Conversation>(
        `SELECT id, principal_id, channel, title, summary, summarized_through::int AS summarized_through FROM conversations
         WHERE principal_id = $1 AND channel = $2 AND updated_at >= $3 ORDER BY updated_at DESC LIMIT 1`,
        [principal.id, channel, resume.activeSince.toISOString()],
      );
      if (rows[0]) return { ...rows[0], created: false };
    }
    // The row itself is written with the turn's messages (saveTurn), in the same statement.
    const newId = randomUUID();
    const title = firstMessage.replace(/\s+/g, ' ').trim().slice(0, 80);
    return {
      id: newId,
      principal_id: principal.id,
      channel,
      title,
      summary: null,
      summarized_through: 0,
      created: true,
    };
  }

  /** @throws ZantaraError conversation_not_found (404) for unknown ids and for other principals' conversations. */
  async get(principal: Principal, id: string): Promise<Conversation> {
    const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    const rows = valid
      ? (
          await this.#db.query<Conversation>(
            'SELECT id, principal_id, channel, title, summary, summarized_through::int AS summarized_through FROM conversations WHERE id = $1 AND principal_id = $2',
            [id, principal.id],
          )
        ).rows
      : [];
    if (!rows[0]) throw notFound('conversation_not_found', `No conversation ${id}.`, { conversation_id: id });
    return rows[0];
  }

  /**
   * What the local tier reads a follow-up against: the conversation's last user messages (oldest first) and the
   * language the user asked to be answered in (memory fact `language`), when there is one.
   */
  async localContext(
    conversation: Conversation,
    principalId: string,
    last = 4,
  ): Promise<{ history: string[]; language?: 'en' | 'it' | 'id' }> {
    const { rows } = await this.#db.query<{ content: string }>(
      `SELECT content FROM conversation_messages WHERE conversation_id = $1 AND role = 'user' ORDER BY id DESC LIMIT $2`,
      [conversation.id, last],
    );
    const stored = await this.#db
      .query<{ language: string | null }>(
        `SELECT data->>'language' AS language FROM memory_facts WHERE principal_id = $1 AND key = 'language' LIMIT 1`,
        [principalId],
      )
      .then(
        (r) => r.rows[0]?.language ?? null,
        () => null,
      );
    const language = stored === 'en' || stored === 'it' || stored === 'id' ? stored : undefined;
    return { history: rows.map((r) => r.content).reverse(), ...(language ? { language } : {}) };
  }

  /**
   * The user/assistant messages that fit `budgetTokens`, oldest first, and the older ones not yet folded into
   * the summary (`overflow`). Messages are written with the turn (see `saveTurn` in turn-traces.ts).
   */
  async window(
    conversation: Conversation,
    budgetTokens: number,
  ): Promise<{ recent: StoredMessage[]; overflow: StoredMessage[] }> {
    const { rows } = await this.#db.query<StoredMessage>(
      `SELECT id::int AS id, role, content, parts, created_at FROM conversation_messages
       WHERE conversation_id = $1 AND role IN ('user', 'assistant') AND id > $2
       ORDER BY id DESC LIMIT 200`,
      [conversation.id, conversation.summarized_through],
    );
    const recent: StoredMessage[] = [];
    let used = 0;
    let i = 0;
    for (; i < rows.length; i++) {
      const cost = estimateTokens(rows[i].content) + 4;
      if (used + cost > budgetTokens && recent.length > 0) break;
      used += cost;
      recent.push(rows[i]);
    }
    // A window starts with a user message, so the model never sees an answer without its question.
    while (recent.length && recent[recent.length - 1].role !== 'user') {
      recent.pop();
      i--;
    }
    return { recent: recent.reverse(), overflow: rows.slice(i).reverse() };
  }

  async setSummary(conversationId: string, summary: string, throughId: number): Promise<void> {
    await this.#db.query(
      'UPDATE conversations SET summary = $2, summarized_through = GREATEST(summarized_through, $3) WHERE id = $1',
      [conversationId, summary, throughId],
    );
  }

  /** The principal's conversations, most recently active first. */
  async list(
    principal: Principal,
    limit = 50,
  ): Promise<Array<{ id: string; channel: string; title: string | null; created_at: string; updated_at: string }>> {
    const { rows } = await this.#db.query<{
      id: string;
      channel: string;
      title: string | null;
      created_at: Date | string;
      updated_at: Date | string;
    }>(
      'SELECT id, channel, title, created_at, updated_at FROM conversations WHERE principal_id = $1 ORDER BY updated_at DESC LIMIT $2',
      [principal.id, limit],
    );
    return rows.map((r) => ({
      ...r,
      created_at: new Date(r.created_at).toISOString(),
      updated_at: new Date(r.updated_at).toISOString(),
    }));
  }

  async messages(principal: Principal, id: string): Promise<StoredMessage[]> {
    await this.get(principal, id);
    const { rows } = await this.#db.query<StoredMessage>(
      'SELECT id::int AS id, role, content, parts, created_at FROM conversation_messages WHERE conversation_id = $1 ORDER BY id',
      [id],
    );
    return rows;
  }
}
