/** Reading the audit log (every write and send through the registry): the query behind audit.list. */
import type { Queryable } from '../store/store.ts';

export type AuditEntry = {
  id: string;
  at: string;
  principal_id: string | null;
  principal_name: string | null;
  role: string | null;
  handler_key: string;
  effect: string;
  outcome: string;
  error_code: string | null;
  request_id: string | null;
  duration_ms: number;
};

export type AuditFilter = {
  from: Date;
  to: Date;
  principal_id?: string;
  /** A handler key, or a prefix ending in `.*`. */
  handler?: string;
  outcome?: 'ok' | 'error';
  error_code?: string;
  limit: number;
  /** The last id of the previous page. */
  cursor?: string;
};

/** Escapes LIKE wildcards so a key prefix matches literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One page of audit entries, newest first, with the cursor of the next page (null on the last). */
export async function listAuditEntries(
  db: Queryable,
  filter: AuditFilter,
): Promise<{ entries: AuditEntry[]; next_cursor: string | null }> {
  const where = ['a.at >= $1', 'a.at < $2'];
  const params: unknown[] = [filter.from.toISOString(), filter.to.toISOString()];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.principal_id) add('a.principal_id = ?', filter.principal_id);
  if (filter.handler?.endsWith('.*')) add(`a.handler_key LIKE ? ESCAPE '\\'`, likePrefix(filter.handler.slice(0, -1)));
  else if (filter.handler) add('a.handler_key = ?', filter.handler);
  if (filter.outcome) add('a.outcome = ?', filter.outcome);
  if (filter.error_code) add('a.error_code = ?', filter.error_code);
  if (filter.cursor) add('(a.at, a.id) < (SELECT c.at, c.id FROM audit_log c WHERE c.id = ?)', filter.cursor);
  params.push(filter.limit + 1);
  const { rows } = await db.query<AuditEntry>(
    `SELECT a.id::text AS id, a.at, a.principal_id, p.display_name AS principal_name, a.role, a.handler_key, a.effect, a.outcome,
            a.error_code, a.request_id, a.duration_ms
     FROM audit_log a LEFT JOIN principals p ON p.id = a.principal_id
     WHERE ${where.join(' AND ')} ORDER BY a.at DESC, a.id DESC LIMIT $${params.length}`,
    params,
  );
  const entries = rows.slice(0, filter.limit).map((r) => ({
    ...r,
    at: new Date(r.at).toISOString(),
    principal_name: r.principal_id ? r.principal_name : 'system',
  }));
  return { entries, next_cursor: rows.length > filter.limit ? entries[entries.length - 1].id : null };
}
