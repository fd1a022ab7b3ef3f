/**
 * The team directory in the store: staff edit members (name, role, department, languages, contact) without touching
 * YAML or restarting. The first use copies `knowledge/team.yaml` in once; departments stay in the fact file.
 */
import { knowledgeService } from '../knowledge/knowledge-service.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { defineService } from '../runtime/service.ts';

export type TeamMember = {
  id: string;
  name: string;
  placeholder: boolean;
  department: string;
  role: string;
  languages: string[];
  services: string[];
  email: string | null;
  phone: string | null;
  source: string;
  last_verified: string;
  updated_at: string;
};

type Row = Omit<TeamMember, 'last_verified' | 'updated_at'> & {
  last_verified: string | Date;
  updated_at: string | Date;
};

const SEEDED = 'team_directory_seeded';
const EDITED_SOURCE = 'team directory (staff console)';
const COLUMNS =
  'id, name, placeholder, department, role, languages, services, email, phone, source, last_verified, updated_at';
const day = (v: string | Date) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

function toMember(row: Row): TeamMember {
  return { ...row, last_verified: day(row.last_verified), updated_at: new Date(row.updated_at).toISOString() };
}

export class TeamDirectory {
  readonly #runtime: Runtime;
  #seeded?: Promise<void>;

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  /** Copies the fact file's members in, once per store (a marker row keeps deleted members deleted). */
  #seed(): Promise<void> {
    this.#seeded ??= this.#runtime.store
      .transaction(async (tx) => {
        const marked = await tx.query(
          `INSERT INTO server_settings (name, value) VALUES ($1, 'yes') ON CONFLICT (name) DO NOTHING RETURNING name`,
          [SEEDED],
        );
        if (!marked.rows.length) return;
        for (const m of this.#runtime.service(knowledgeService).data.team.members) {
          await tx.query(
            `INSERT INTO team_members
             (id, name, placeholder, department, role, languages, services, email, source, last_verified)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
            [
              m.id,
              m.name,
              m.placeholder,
              m.department,
              m.role,
              m.languages,
              m.services,
              m.email ?? null,
              m.source,
              m.last_verified,
            ],
          );
        }
      })
      .catch((error: unknown) => {
        this.#seeded = undefined;
        throw error;
      });
    return this.#seeded;
  }

  async list(): Promise<TeamMember[]> {
    await this.#seed();
    const { rows } = await this.#runtime.store.query<Row>(
      `SELECT ${COLUMNS} FROM team_members ORDER BY department, name, id`,
    );
    return rows.map(toMember);
  }

  /** Creates or replaces a member; a saved member is no longer a placeholder and is verified today. */
  async save(
    input: Omit<TeamMember, 'placeholder' | 'source' | 'last_verified' | 'updated_at'>,
    by: string | null,
  ): Promise<TeamMember> {
    await this.#seed();
    const now = this.#runtime.clock.now();
    const { rows } = await this.#runtime.store.query<Row>(
      `INSERT INTO team_members (id, name, placeholder, department, role, languages, services, email, phone, source,
         last_verified, updated_at, updated_by)
       VALUES ($1, $2, false, $3, $4, $5, $6, $7, $8, '${EDITED_SOURCE}', $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET name = $2, placeholder = false, department = $3, role = $4, languages = $5,
         services = $6, email = $7, phone = $8, source = '${EDITED_SOURCE}', last_verified = $9, updated_at = $10,
         updated_by = $11
       RETURNING ${COLUMNS}`,
      [
        input.id,
        input.name,
        input.department,
        input.role,
        input.languages,
        input.services,
        input.email,
        input.phone,
        now.toISOString().slice(0, 10),
        now.toISOString(),
        by,
      ],
    );
    return toMember(rows[0]);
  }

  async remove(id: string): Promise<boolean> {
    await this.#seed();
    const { rowCount } = await this.#runtime.store.query('DELETE FROM team_members WHERE id = $1', [id]);
    return rowCount > 0;
  }
}

export const teamDirectoryService = defineService('team-directory', (runtime) => new TeamDirectory(runtime));
