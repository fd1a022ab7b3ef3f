import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.ts';
import type { Queryable } from '../store/store.ts';

export type ContactKind = 'phone' | 'email' | 'whatsapp' | 'instagram';

/** Normalises an address so one person is found however it was written (+62 813-3805 → 628133805…). */
export function normalizeContact(kind: ContactKind, value: string): string {
  const trimmed = value.trim();
  if (kind === 'email') return trimmed.toLowerCase();
  if (kind === 'phone' || kind === 'whatsapp') return trimmed.replace(/[^\d]/g, '');
  return trimmed;
}

/**
 * The client principal reached at this address, created on first contact (a signed channel webhook is the
 * credential). Concurrent first messages from one sender end with one principal.
 */
export async function ensureClientForContact(
  db: Queryable,
  kind: ContactKind,
  value: string,
  displayName?: string,
): Promise<Principal> {
  const normalized = normalizeContact(kind, value);
  const existing = await findClientByContact(db, kind, normalized);
  if (existing) return existing;
  const id = randomUUID();
  await db.query('INSERT INTO principals (id, role, display_name) VALUES ($1, $2, $3)', [
    id,
    'client',
    displayName?.slice(0, 120) || `${kind}:${normalized}`,
  ]);
  const inserted = await db.query(
    'INSERT INTO client_contacts (kind, value, principal_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [kind, normalized, id],
  );
  if (inserted.rowCount === 0) {
    await db.query('DELETE FROM principals WHERE id = $1', [id]);
    return (await findClientByContact(db, kind, normalized))!;
  }
  return { id, role: 'client', name: displayName || `${kind}:${normalized}`, via: 'channel' };
}

export async function findClientByContact(
  db: Queryable,
  kind: ContactKind,
  value: string,
): Promise<Principal | undefined> {
  const { rows } = await db.query<{ id: string; display_name: string }>(
    `SELECT p.id, p.display_name FROM client_contacts c JOIN principals p ON p.id = c.principal_id WHERE c.kind = $1 AND c.value = $2`,
    [kind, normalizeContact(kind, value)],
  );
  return rows[0] ? { id: rows[0].id, role: 'client', name: rows[0].display_name, via: 'channel' } : undefined;
}
