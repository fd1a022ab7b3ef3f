/**
 * Clients whose stay permit, as ZANTARA remembers it (memory fact `permit_expiry`, data.expires_on), expires
 * soon or has expired. Reads the memory table only when it exists.
 */
import type { Queryable } from '../store/store.ts';
import { addDays } from '../analytics/period.ts';
import { tableExists } from '../analytics/store-tables.ts';
import { daysBetween } from './message-dates.ts';

export type PermitExpiry = {
  principal_id: string;
  name: string;
  permit: string | null;
  expires_on: string;
  days_left: number;
  status: 'expired' | 'expiring';
  contacts: Array<{ kind: string; value: string }>;
  /** When ZANTARA last learned it: a stale date deserves a check with the client. */
  noted_at: string;
};

export async function permitExpiries(
  db: Queryable,
  today: string,
  options: { withinDays: number; includeExpired: boolean; limit: number },
): Promise<{ available: boolean; clients: PermitExpiry[] }> {
  if (!(await tableExists(db, 'memory_facts'))) return { available: false, clients: [] };
  const until = addDays(today, options.withinDays);
  const { rows } = await db.query<{
    principal_id: string;
    name: string;
    permit: string | null;
    expires_on: string;
    noted_at: string;
    contacts: Array<{ kind: string; value: string }> | null;
  }>(
    `SELECT f.principal_id, p.display_name AS name, nullif(f.data->>'permit', '') AS permit, f.data->>'expires_on' AS expires_on,
            f.updated_at AS noted_at,
            (SELECT coalesce(json_agg(json_build_object('kind', c.kind, 'value', c.value) ORDER BY c.kind, c.value), '[]'::json)
               FROM client_contacts c WHERE c.principal_id = f.principal_id) AS contacts
     FROM memory_facts f JOIN principals p ON p.id = f.principal_id
     WHERE f.key = 'permit_expiry' AND p.role = 'client' AND f.data->>'expires_on' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
       AND f.data->>'expires_on' <= $1 AND ($2::boolean OR f.data->>'expires_on' >= $3)
     ORDER BY f.data->>'expires_on', p.display_name LIMIT $4`,
    [until, options.includeExpired, today, options.limit],
  );
  return {
    available: true,
    clients: rows.map((r) => {
      const daysLeft = daysBetween(today, r.expires_on);
      return {
        principal_id: r.principal_id,
        name: r.name,
        permit: r.permit,
        expires_on: r.expires_on,
        days_left: daysLeft,
        status: daysLeft < 0 ? 'expired' : 'expiring',
        contacts: r.contacts ?? [],
        noted_at: new Date(r.noted_at).toISOString(),
      };
    }),
  };
}
