/**
 * The memory service: durable facts about one principal (`memory_facts`). Every method takes the subject's id,
 * resolved beforehand by `memorySubject`, and touches that subject's rows only. Reads never write.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseEnv } from '../config/env.ts';
import { ZantaraError } from '../errors.ts';
import { defineService } from '../runtime/service.ts';
import type { Queryable, Store } from '../store/store.ts';
import { coverageFor, requireQueryWords, tsqueryFor } from '../rag/search-query.ts';

export const FACT_TYPES = ['profile', 'preference', 'permit', 'case', 'contact', 'document', 'note'] as const;
export type FactType = (typeof FACT_TYPES)[number];
export const MAX_FACT_CHARS = 4000;
export const FACT_KEY_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;

export type Fact = {
  id: string;
  type: string;
  key: string | null;
  content: string;
  data: Record<string, unknown> | null;
  source: string;
  created_at: string;
  updated_at: string;
};

export type SaveFactInput = {
  content: string;
  type?: string;
  key?: string;
  data?: Record<string, unknown> | null;
  source?: string;
};
export type SaveFactResult = { fact: Fact; outcome: 'created' | 'updated' | 'unchanged' };

export type ForgetReport = {
  facts: number;
  conversations: number;
  conversation_messages: number;
  turn_traces_text_cleared: number;
  pending_actions_cleared: number;
  /** Tables that did not exist yet, so there was nothing to remove there. */
  not_present: string[];
};

const memoryEnv = z.object({
  ZANTARA_MEMORY_MAX_FACTS: z.coerce.number().int().min(1).default(10000).describe('Facts one principal may hold'),
  ZANTARA_MEMORY_PROFILE_CACHE_SECONDS: z.coerce
    .number()
    .min(0)
    .max(3600)
    .default(30)
    .describe(
      'How long a chat profile read is reused in this process (0: read every turn); bounds how late a change made on another replica shows',
    ),
});

/** Facts read for a user's chat profile (the newest ones; `profileSection` keeps what fits its size). */
export const PROFILE_FACTS = 40;

const COLUMNS = `id, type, key, content, data, source, created_at, updated_at`;

function toFact(row: Record<string, unknown>): Fact {
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
  return {
    id: String(row.id),
    type: String(row.type),
    key: (row.key as string | null) ?? null,
    content: String(row.content),
    data: (row.data as Record<string, unknown> | null) ?? null,
    source: String(row.source),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export class MemoryFacts {
  readonly #store: Store;
  readonly #maxFacts: number;
  readonly #profileCacheMs: number;
  readonly #maxCachedProfiles: number;
  readonly #now: () => number;
  /** Profile reads by subject, reused for `profileCacheMs`; a change made through this object drops the entry. */
  readonly #profiles = new Map<string, { facts: readonly Fact[]; at: number }>();
  /** Counts changes, so a profile read that overlapped one is not cached (it may have read the old rows). */
  #changes = 0;

  /**
   * `profileCacheMs`: how long a profile read is reused (0, the default: never); `maxCachedProfiles`: subjects kept
   * at most, the oldest entry dropped first (default 5000); `now`: the clock in ms.
   */
  constructor(
    store: Store,
    options: { maxFacts?: number; profileCacheMs?: number; maxCachedProfiles?: number; now?: () => number } = {},
  ) {
    this.#store = store;
    this.#maxFacts = options.maxFacts ?? 10000;
    this.#profileCacheMs = options.profileCacheMs ?? 0;
    this.#maxCachedProfiles = Math.max(1, options.maxCachedProfiles ?? 5000);
    this.#now = options.now ?? Date.now;
  }

  #changed(subjectId: string): void {
    this.#changes++;
    this.#profiles.delete(subjectId);
  }

  /**
   * The subject's newest facts for the chat profile (`PROFILE_FACTS`). A read is reused for `profileCacheMs` in this
   * process; every save, delete or forget through this service drops the subject's entry at once, so only a change
   * made by another process (another replica on the same database) can show up to `profileCacheMs` late.
   */
  async profileFacts(subjectId: string): Promise<readonly Fact[]> {
    const now = this.#now();
    const cached = this.#profiles.get(subjectId);
    if (cached && now >= cached.at && now - cached.at < this.#profileCacheMs) return cached.facts;
    const changesBefore = this.#changes;
    const facts: readonly Fact[] = Object.freeze(await this.retrieve(subjectId, { limit: PROFILE_FACTS }));
    if (this.#profileCacheMs > 0 && this.#changes === changesBefore) {
      this.#profiles.delete(subjectId);
      this.#profiles.set(subjectId, { facts, at: now });
      if (this.#profiles.size > this.#maxCachedProfiles) this.#profiles.delete(this.#profiles.keys().next().value!);
    }
    return facts;
  }

  /**
   * Saves a fact; with a key it replaces the subject's fact of that key (no write when nothing changed).
   * @throws ZantaraError fact_too_long (400) | memory_full (422)
   */
  async save(subjectId: string, input: SaveFactInput): Promise<SaveFactResult> {
    const content = input.content.trim();
    if (!content) throw new ZantaraError('invalid_fact', 'A fact needs some text.', { status: 400 });
    if (content.length > MAX_FACT_CHARS) {
      throw new ZantaraError(
        'fact_too_long',
        `A fact holds at most ${MAX_FACT_CHARS} characters; this one has ${content.length}. Save the essentials, or split it.`,
        { status: 400 },
      );
    }
    if (input.key !== undefined && !FACT_KEY_PATTERN.test(input.key)) {
      throw new ZantaraError(
        'invalid_fact_key',
        'A key is lower-case letters, digits, "_", "." or "-" (at most 64), starting with a letter.',
        { status: 400 },
      );
    }
    const type = input.type ?? 'note';
    const data = input.data ?? null;
    if (data !== null && JSON.stringify(data).length > MAX_FACT_CHARS) {
      throw new ZantaraError(
        'fact_too_long',
        `The structured data of a fact holds at most ${MAX_FACT_CHARS} characters of JSON.`,
        { status: 400 },
      );
    }
    const source = input.source ?? 'api';
    const result = await this.#store.transaction(async (tx): Promise<SaveFactResult> => {
      if (input.key !== undefined) {
        const existing = await tx.query(
          `SELECT ${COLUMNS} FROM memory_facts WHERE principal_id = $1 AND key = $2 FOR UPDATE`,
          [subjectId, input.key],
        );
        const current = existing.rows[0] ? toFact(existing.rows[0]) : undefined;
        if (current) {
          if (
            current.content === content &&
            current.type === type &&
            JSON.stringify(current.data) === JSON.stringify(data)
          ) {
            return { fact: current, outcome: 'unchanged' as const };
          }
          const updated = await tx.query(
            `UPDATE memory_facts SET content = $3, type = $4, data = $5, source = $6, updated_at = now()
             WHERE principal_id = $1 AND key = $2 RETURNING ${COLUMNS}`,
            [subjectId, input.key, content, type, data === null ? null : JSON.stringify(data), source],
          );
          return { fact: toFact(updated.rows[0]), outcome: 'updated' as const };
        }
      }
      await this.#checkRoom(tx, subjectId);
      const inserted = await tx.query(
        `INSERT INTO memory_facts (id, principal_id, type, key, content, data, source) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [
          randomUUID(),
          subjectId,
          type,
          input.key ?? null,
          content,
          data === null ? null : JSON.stringify(data),
          source,
        ],
      );
      return { fact: toFact(inserted.rows[0]), outcome: 'created' as const };
    });
    if (result.outcome !== 'unchanged') this.#changed(subjectId);
    return result;
  }

  async #checkRoom(tx: Queryable, subjectId: string): Promise<void> {
    // Counting only up to the limit keeps the check cheap however many facts there are.
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM memory_facts WHERE principal_id = $1 LIMIT $2) f`,
      [subjectId, this.#maxFacts],
    );
    if (rows[0].n >= this.#maxFacts) {
      throw new ZantaraError(
        'memory_full',
        `This user already has ${this.#maxFacts} facts; delete some before saving more.`,
        { status: 422 },
      );
    }
  }

  /** Facts of the subject, optionally of one type or one key, newest first. */
  async retrieve(subjectId: string, filter: { type?: string; key?: string; limit?: number } = {}): Promise<Fact[]> {
    const where = ['principal_id = $1'];
    const params: unknown[] = [subjectId];
    if (filter.type) {
      params.push(filter.type);
      where.push(`type = $${params.length}`);
    }
    if (filter.key) {
      params.push(filter.key);
      where.push(`key = $${params.length}`);
    }
    params.push(filter.limit ?? 100);
    const { rows } = await this.#store.query(
      `SELECT ${COLUMNS} FROM memory_facts WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toFact);
  }

  /** A page of the subject's facts with the total count. */
  async list(
    subjectId: string,
    options: { type?: string; limit?: number; offset?: number } = {},
  ): Promise<{ total: number; facts: Fact[] }> {
    const params: unknown[] = [subjectId];
    let where = 'principal_id = $1';
    if (options.type) {
      params.push(options.type);
      where += ` AND type = $2`;
    }
    const total = await this.#store.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM memory_facts WHERE ${where}`,
      params,
    );
    const { rows } = await this.#store.query(
      `SELECT ${COLUMNS} FROM memory_facts WHERE ${where} ORDER BY updated_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, options.limit ?? 50, options.offset ?? 0],
    );
    return { total: total.rows[0].n, facts: rows.map(toFact) };
  }

  /**
   * Full-text search over the subject's facts only, best match first.
   * @throws ZantaraError invalid_query (400) when the query has no words
   */
  async search(
    subjectId: string,
    query: string,
    options: { type?: string; limit?: number } = {},
  ): Promise<Array<Fact & { score: number }>> {
    const words = requireQueryWords(query);
    const q = tsqueryFor(words, 4);
    const typeFilter = options.type ? `AND f.type = $3` : `AND $3::text IS NULL`;
    const { rows } = await this.#store.query(
      `SELECT ${COLUMNS.split(', ')
        .map((c) => `f.${c}`)
        .join(', ')}, ${coverageFor(words, 4, 'f.tsv')} + ts_rank(f.tsv, q.q) AS score
       FROM memory_facts f, (SELECT ${q.sql} AS q) q
       WHERE f.principal_id = $1 AND f.tsv @@ q.q ${typeFilter}
       ORDER BY score DESC, f.updated_at DESC LIMIT $2`,
      [subjectId, options.limit ?? 10, options.type ?? null, ...q.params],
    );
    return rows.map((r) => ({ ...toFact(r), score: Math.round(Number(r.score) * 10000) / 10000 }));
  }

  /**
   * Deletes one fact of the subject by id or key.
   * @throws ZantaraError fact_not_found (404) — also when the fact belongs to someone else
   */
  async delete(subjectId: string, target: { id?: string; key?: string }): Promise<Fact> {
    const byId = target.id !== undefined;
    const { rows } = await this.#store.query(
      `DELETE FROM memory_facts WHERE principal_id = $1 AND ${byId ? 'id = $2::uuid' : 'key = $2'} RETURNING ${COLUMNS}`,
      [subjectId, byId ? target.id : target.key],
    );
    if (!rows[0])
      throw new ZantaraError(
        'fact_not_found',
        `No fact ${byId ? `with id ${target.id}` : `with key "${target.key}"`} for this user.`,
        { status: 404 },
      );
    this.#changed(subjectId);
    return toFact(rows[0]);
  }

  /**
   * Removes everything ZANTARA keeps about the subject in one transaction: facts, conversations with their
   * messages, the message text of turn traces (the rest of a trace is accounting) and the parameters of pending
   * actions (those still pending expire). Tables of other areas that do not exist yet are reported, not failed on.
   */
  async forget(subjectId: string): Promise<ForgetReport> {
    const forgotten = await this.#store.transaction(async (tx) => {
      const present = async (table: string) =>
        (await tx.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [table])).rows[0].t !== null;
      const report: ForgetReport = {
        facts: 0,
        conversations: 0,
        conversation_messages: 0,
        turn_traces_text_cleared: 0,
        pending_actions_cleared: 0,
        not_present: [],
      };
      report.facts = (await tx.query('DELETE FROM memory_facts WHERE principal_id = $1', [subjectId])).rowCount;
      const hasConversations = await present('conversations');
      if (await present('conversation_messages')) {
        report.conversation_messages = (
          await tx.query(
            `DELETE FROM conversation_messages WHERE principal_id = $1${hasConversations ? ' OR conversation_id IN (SELECT id FROM conversations WHERE principal_id = $1)' : ''}`,
            [subjectId],
          )
        ).rowCount;
      } else report.not_present.push('conversation_messages');
      if (await present('pending_actions')) {
        report.pending_actions_cleared = (
          await tx.query(
            `UPDATE pending_actions SET params = '{}'::jsonb, summary = '(forgotten at the user''s request)',
             status = CASE WHEN status = 'pending' THEN 'expired' ELSE status END
           WHERE principal_id = $1 AND (params <> '{}'::jsonb OR status = 'pending')`,
            [subjectId],
          )
        ).rowCount;
      } else report.not_present.push('pending_actions');
      if (await present('turn_traces')) {
        report.turn_traces_text_cleared = (
          await tx.query(
            'UPDATE turn_traces SET message_text = NULL WHERE principal_id = $1 AND message_text IS NOT NULL',
            [subjectId],
          )
        ).rowCount;
      } else report.not_present.push('turn_traces');
      if (hasConversations) {
        report.conversations = (
          await tx.query('DELETE FROM conversations WHERE principal_id = $1', [subjectId])
        ).rowCount;
      } else report.not_present.push('conversations');
      return report;
    });
    this.#changed(subjectId);
    return forgotten;
  }
}

export const memoryService = defineService('memory', (runtime) => {
  const env = parseEnv(memoryEnv, runtime.env);
  return new MemoryFacts(runtime.store, {
    maxFacts: env.ZANTARA_MEMORY_MAX_FACTS,
    profileCacheMs: env.ZANTARA_MEMORY_PROFILE_CACHE_SECONDS * 1000,
    now: () => runtime.clock.now().getTime(),
  });
});
