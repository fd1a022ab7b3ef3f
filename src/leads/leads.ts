/** Leads (people who asked about a service), stored in the `leads` table: the queries behind lead.save and lead.list. */
import { randomUUID } from 'node:crypto';
import type { Runtime } from '../runtime/runtime.ts';
import { defineService } from '../runtime/service.ts';

export type Lead = {
  id: string;
  created_at: string;
  created_by: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  nationality: string | null;
  language: string | null;
  services: string[];
  message: string | null;
  source: string;
  status: string;
};

export type NewLead = {
  name: string;
  email?: string;
  phone?: string;
  nationality?: string;
  language?: string;
  services: string[];
  message?: string;
  source: string;
};

export type LeadFilter = {
  status?: string;
  source?: string;
  service?: string;
  search?: string;
  since?: string;
  limit: number;
  offset: number;
};

const COLUMNS =
  'id, created_at, created_by, name, email, phone, nationality, language, services, message, source, status';

function leadView(row: Omit<Lead, 'created_at'> & { created_at: string | Date }): Lead {
  return {
    ...row,
    created_at: row.created_at instanceof Date ? row.created_at.toISOString() : new Date(row.created_at).toISOString(),
  };
}

export class Leads {
  readonly #runtime: Runtime;

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  /** Stores a lead (e-mail lower-cased) created by `createdBy` (null for the system). */
  async save(input: NewLead, createdBy: string | null): Promise<Lead> {
    const { rows } = await this.#runtime.store.query<Lead>(
      `INSERT INTO leads (id, created_at, created_by, name, email, phone, nationality, language, services, message, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        this.#runtime.clock.now().toISOString(),
        createdBy,
        input.name,
        input.email?.toLowerCase() ?? null,
        input.phone ?? null,
        input.nationality ?? null,
        input.language ?? null,
        input.services,
        input.message ?? null,
        input.source,
      ],
    );
    return leadView(rows[0]);
  }

  /** A page of leads, newest first, with the total that match. */
  async list(filter: LeadFilter): Promise<{ total: number; leads: Lead[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (filter.status) add('status = ?', filter.status);
    if (filter.source) add('source = ?', filter.source);
    if (filter.service) add('EXISTS (SELECT 1 FROM unnest(services) s WHERE lower(s) = lower(?))', filter.service);
    if (filter.search)
      add(`(name ILIKE ? OR email ILIKE ? OR phone ILIKE ?)`, `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (filter.since) add('created_at >= ?::date', filter.since);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const store = this.#runtime.store;
    const total = (await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM leads ${clause}`, params)).rows[0]
      .n;
    const { rows } = await store.query<Lead>(
      `SELECT ${COLUMNS} FROM leads ${clause} ORDER BY created_at DESC, id LIMIT ${filter.limit} OFFSET ${filter.offset}`,
      params,
    );
    return { total, leads: rows.map(leadView) };
  }

  /** Moves a lead to `status`; the status it had, or null when there is no such lead. */
  async setStatus(id: string, status: string): Promise<string | null> {
    const { rows } = await this.#runtime.store.query<{ old: string }>(
      `UPDATE leads l SET status = $2 FROM (SELECT id, status AS old FROM leads WHERE id = $1 FOR UPDATE) o
       WHERE l.id = o.id RETURNING o.old`,
      [id, status],
    );
    return rows[0]?.old ?? null;
  }
}

export const leadsService = defineService('leads', (runtime) => new Leads(runtime));
