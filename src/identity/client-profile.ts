import { z } from 'zod';
import { existingTables } from '../analytics/store-tables.ts';
import { normalizeContact, type ContactKind } from './client-contacts.ts';
import { notFound, ZantaraError } from '../errors.ts';
import type { Queryable } from '../store/store.ts';
import { defineService } from '../runtime/service.ts';

export const CONTACT_KINDS = ['phone', 'email', 'whatsapp', 'instagram'] as const satisfies readonly ContactKind[];

/** One client as staff see it: who, how to reach them, what they asked for, what ZANTARA remembers. */
export type ClientProfile = {
  principal: { id: string; role: 'client'; name: string; created_at: string };
  contacts: Array<{ kind: ContactKind; value: string; linked_at: string }>;
  /** Leads carrying one of the client's e-mail addresses or phone numbers (0813… = 62813…), or created by the client. */
  leads: Array<{
    id: string;
    created_at: string;
    name: string;
    email: string | null;
    phone: string | null;
    services: string[];
    source: string;
    status: string;
  }>;
  memory: {
    available: boolean;
    facts: Array<{ key: string; type: string; content: string; data: unknown; updated_at: string }>;
  };
  conversations: { available: boolean; total: number; last_30_days: number; last_at: string | null };
};

const emailSchema = z.email();

/**
 * Checks and normalises a contact address for `kind`: a valid e-mail, a phone number of 6–15 digits,
 * a non-empty Instagram id. Throws `invalid_contact` (422) otherwise.
 */
export function validContact(kind: ContactKind, value: string): string {
  const normalized = normalizeContact(kind, value);
  const ok =
    kind === 'email'
      ? emailSchema.safeParse(normalized).success
      : kind === 'instagram'
        ? /^[\w.]{1,100}$/.test(normalized)
        : /^\d{6,15}$/.test(normalized);
  if (!ok)
    throw new ZantaraError('invalid_contact', `"${value}" is not a valid ${kind}.`, { status: 422, details: { kind } });
  return normalized;
}

/** The profile of a client principal; 404 `client_not_found` when the id is not a client. */
export async function loadClientProfile(db: Queryable, principalId: string, now: Date): Promise<ClientProfile> {
  const {
    rows: [principal],
  } = await db.query<{ id: string; role: string; display_name: string; created_at: string }>(
    'SELECT id, role, display_name, created_at::text AS created_at FROM principals WHERE id = $1',
    [principalId],
  );
  if (!principal || principal.role !== 'client')
    throw notFound('client_not_found', `No client with id ${principalId}.`);

  const { rows: contacts } = await db.query<{ kind: ContactKind; value: string; linked_at: string }>(
    'SELECT kind, value, created_at::text AS linked_at FROM client_contacts WHERE principal_id = $1 ORDER BY created_at, kind, value',
    [principalId],
  );
  const emails = contacts.filter((c) => c.kind === 'email').map((c) => c.value);
  const phones = contacts.filter((c) => c.kind === 'phone' || c.kind === 'whatsapp').map((c) => c.value);

  const { rows: leads } = await db.query<ClientProfile['leads'][number]>(
    `SELECT id, created_at::text AS created_at, name, email, phone, services, source, status FROM leads
     WHERE created_by = $1 OR lower(trim(email)) = ANY($2::text[]) OR (
       SELECT CASE WHEN d LIKE '00%' THEN substr(d, 3) WHEN d LIKE '0%' THEN '62' || substr(d, 2) ELSE d END
       FROM (SELECT regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') AS d) AS digits) = ANY($3::text[])
     ORDER BY created_at DESC LIMIT 50`,
    [principalId, emails, phones],
  );

  const tables = await existingTables(db, ['memory_facts', 'conversations']);
  const memory: ClientProfile['memory'] = { available: tables.has('memory_facts'), facts: [] };
  if (memory.available) {
    memory.facts = (
      await db.query<ClientProfile['memory']['facts'][number]>(
        `SELECT key, type, content, data, updated_at::text AS updated_at FROM memory_facts WHERE principal_id = $1
       ORDER BY updated_at DESC LIMIT 50`,
        [principalId],
      )
    ).rows;
  }
  const conversations: ClientProfile['conversations'] = {
    available: tables.has('conversations'),
    total: 0,
    last_30_days: 0,
    last_at: null,
  };
  if (conversations.available) {
    const since = new Date(now.getTime() - 30 * 86_400_000).toISOString();
    const {
      rows: [row],
    } = await db.query<{ total: string; recent: string; last_at: string | null }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE updated_at >= $2::timestamptz) AS recent, max(updated_at)::text AS last_at
       FROM conversations WHERE principal_id = $1`,
      [principalId, since],
    );
    Object.assign(conversations, { total: Number(row.total), last_30_days: Number(row.recent), last_at: row.last_at });
  }
  return {
    principal: { id: principal.id, role: 'client', name: principal.display_name, created_at: principal.created_at },
    contacts,
    leads,
    memory,
    conversations,
  };
}

/**
 * The written forms of one phone number as stored (digits with country code, as WhatsApp sends them): a number
 * typed the Indonesian way (0813…) is also 62813…, and the international prefix 00 is dropped.
 */
export function phoneForms(digits: string): string[] {
  if (digits.startsWith('00')) return [digits, digits.slice(2)];
  if (digits.startsWith('0')) return [digits, `62${digits.slice(1)}`];
  return [digits];
}

/**
 * The one client reached at an exact e-mail address or phone number (phone matches phone and WhatsApp contacts).
 * 404 `client_not_found` when nobody is; 409 `ambiguous_contact` when two clients share the number — never a list.
 */
export async function resolveClientId(db: Queryable, lookup: { email?: string; phone?: string }): Promise<string> {
  const byEmail = lookup.email !== undefined;
  const value = byEmail ? validContact('email', lookup.email!) : validContact('phone', lookup.phone!);
  const kinds = byEmail ? ['email'] : ['phone', 'whatsapp'];
  const { rows } = await db.query<{ principal_id: string }>(
    `SELECT DISTINCT c.principal_id FROM client_contacts c JOIN principals p ON p.id = c.principal_id
     WHERE c.kind = ANY($1::text[]) AND c.value = ANY($2::text[]) AND p.role = 'client'`,
    [kinds, byEmail ? [value] : phoneForms(value)],
  );
  if (rows.length === 0)
    throw notFound(
      'client_not_found',
      `No client is registered with this ${byEmail ? 'e-mail address' : 'phone number'}.`,
    );
  if (rows.length > 1) {
    throw new ZantaraError(
      'ambiguous_contact',
      'More than one client uses this phone number; open the profiles by id to merge them.',
      { status: 409, details: { matches: rows.length } },
    );
  }
  return rows[0].principal_id;
}

/**
 * Attaches an address to a client. Linking an address the client already has is a no-op (`already_linked`);
 * an address that belongs to another principal is 409 `contact_conflict`.
 */
export async function linkContact(
  db: Queryable,
  principalId: string,
  kind: ContactKind,
  value: string,
): Promise<{ linked: boolean; already_linked: boolean; kind: ContactKind; value: string }> {
  const normalized = validContact(kind, value);
  const {
    rows: [principal],
  } = await db.query<{ role: string }>('SELECT role FROM principals WHERE id = $1', [principalId]);
  if (!principal) throw notFound('client_not_found', `No client with id ${principalId}.`);
  if (principal.role !== 'client') {
    throw new ZantaraError(
      'not_a_client',
      `Principal ${principalId} is ${principal.role}; contacts are linked to clients only.`,
      { status: 422 },
    );
  }
  const inserted = await db.query(
    'INSERT INTO client_contacts (kind, value, principal_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [kind, normalized, principalId],
  );
  if (inserted.rowCount === 1) return { linked: true, already_linked: false, kind, value: normalized };
  const {
    rows: [owner],
  } = await db.query<{ principal_id: string }>(
    'SELECT principal_id FROM client_contacts WHERE kind = $1 AND value = $2',
    [kind, normalized],
  );
  if (owner?.principal_id === principalId) return { linked: false, already_linked: true, kind, value: normalized };
  throw new ZantaraError('contact_conflict', `This ${kind} already belongs to another client.`, {
    status: 409,
    details: { kind, value: normalized, linked_to: owner?.principal_id },
  });
}

/**
 * Detaches an address from a client (a contact linked by mistake). The last address of a client stays: without it
 * nobody could reach or recognise them (409 `last_contact`).
 */
export async function unlinkContact(
  db: Queryable,
  principalId: string,
  kind: ContactKind,
  value: string,
): Promise<{ unlinked: true; kind: ContactKind; value: string }> {
  const normalized = normalizeContact(kind, value);
  const { rows } = await db.query<{ kind: ContactKind; value: string }>(
    'SELECT kind, value FROM client_contacts WHERE principal_id = $1',
    [principalId],
  );
  if (!rows.some((c) => c.kind === kind && c.value === normalized)) {
    throw notFound('contact_not_found', `This client has no ${kind} ${normalized}.`, { kind, value: normalized });
  }
  if (rows.length === 1)
    throw new ZantaraError('last_contact', 'This is the only address of the client; link another one first.', {
      status: 409,
    });
  await db.query('DELETE FROM client_contacts WHERE principal_id = $1 AND kind = $2 AND value = $3', [
    principalId,
    kind,
    normalized,
  ]);
  return { unlinked: true, kind, value: normalized };
}

/** Client profiles and their contact addresses, as the identity handlers use them. */
export const clientProfilesService = defineService('identity.client-profiles', (runtime) => ({
  profile: (principalId: string) => loadClientProfile(runtime.store, principalId, runtime.clock.now()),
  async resolve(lookup: { email?: string; phone?: string }) {
    return loadClientProfile(runtime.store, await resolveClientId(runtime.store, lookup), runtime.clock.now());
  },
  link: (principalId: string, kind: ContactKind, value: string) => linkContact(runtime.store, principalId, kind, value),
  unlink: (principalId: string, kind: ContactKind, value: string) =>
    unlinkContact(runtime.store, principalId, kind, value),
}));
