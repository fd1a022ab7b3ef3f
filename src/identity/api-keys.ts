import { hash as oneShotHash, randomBytes, randomUUID } from 'node:crypto';
import { notFound } from '../errors.ts';
import { defineService } from '../runtime/service.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Principal, Role } from '../auth/principal.ts';
import { RevocationFeed } from './revocation-feed.ts';

/**
 * API keys: 32 random bytes shown once at creation, stored as a SHA-256 hash (the keys carry enough entropy
 * that a slow hash adds nothing). Each key belongs to a principal and carries its role.
 */
export type ApiKeyInfo = {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  principal_id: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
};

const KEY_PREFIX = 'zt_';
const CACHE_MS = 30_000;
// While the revocation feed is not connected, a cached key is trusted this long only, so a revocation still reaches
// every replica within a second.
const UNTRUSTED_CACHE_MS = 1_000;

export function hashKey(key: string): string {
  return oneShotHash('sha256', key, 'hex');
}

export class ApiKeys {
  readonly #runtime: Runtime;
  // Verified keys for a short while, so /call does not hit the database for every request; a revocation on any
  // replica clears them through the revocation feed.
  readonly #cache = new Map<string, { principal: Principal; at: number }>();
  readonly #feed: RevocationFeed;

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
    this.#feed = new RevocationFeed(runtime, {
      onRevoked: (keyId) => {
        for (const [hash, entry] of this.#cache) if (entry.principal.keyId === keyId) this.#cache.delete(hash);
      },
      onReconnect: () => this.#cache.clear(),
    });
  }

  /** Creates a principal and its key; the plain key is returned only here. */
  async create(input: {
    role: Role;
    name: string;
    principalId?: string;
    key?: string;
  }): Promise<{ key: string; id: string; role: Role; principal_id: string }> {
    const key = input.key ?? KEY_PREFIX + randomBytes(32).toString('base64url');
    const id = randomUUID();
    const principalId = input.principalId ?? randomUUID();
    await this.#runtime.store.transaction(async (tx) => {
      if (!input.principalId) {
        await tx.query('INSERT INTO principals (id, role, display_name) VALUES ($1, $2, $3)', [
          principalId,
          input.role,
          input.name,
        ]);
      }
      await tx.query(
        'INSERT INTO api_keys (id, principal_id, name, role, key_hash, key_prefix) VALUES ($1, $2, $3, $4, $5, $6)',
        [id, principalId, input.name, input.role, hashKey(key), key.slice(0, 9)],
      );
    });
    return { key, id, role: input.role, principal_id: principalId };
  }

  /** The principal a key stands for, or undefined for an unknown or revoked key. */
  async verify(key: string): Promise<Principal | undefined> {
    if (key.length < 16 || key.length > 200) return undefined;
    this.#feed.start();
    const hash = hashKey(key);
    const now = this.#runtime.clock.now().getTime();
    const cached = this.#cache.get(hash);
    if (cached && now - cached.at < (this.#feed.trusted() ? CACHE_MS : UNTRUSTED_CACHE_MS)) return cached.principal;
    const { rows } = await this.#runtime.store.query<{ id: string; principal_id: string; role: Role; name: string }>(
      `SELECT k.id, k.principal_id, k.role, p.display_name AS name FROM api_keys k JOIN principals p ON p.id = k.principal_id
       WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [hash],
    );
    const row = rows[0];
    if (!row) {
      this.#cache.delete(hash);
      return undefined;
    }
    const principal: Principal = {
      id: row.principal_id,
      role: row.role,
      name: row.name,
      keyId: row.id,
      via: 'api_key',
    };
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { principal, at: now });
    await this.#runtime.store.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [row.id]);
    return principal;
  }

  async list(): Promise<ApiKeyInfo[]> {
    const { rows } = await this.#runtime.store.query<ApiKeyInfo>(
      `SELECT id, name, role, key_prefix AS prefix, principal_id, created_at::text, revoked_at::text, last_used_at::text
       FROM api_keys ORDER BY created_at, id`,
    );
    return rows;
  }

  async revoke(id: string): Promise<{ id: string; revoked: true }> {
    const { rows } = await this.#runtime.store.query<{ key_hash: string }>(
      'UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING key_hash',
      [id],
    );
    if (!rows[0]) throw notFound('key_not_found', `No API key with id ${id}.`);
    this.#cache.delete(rows[0].key_hash);
    await this.#feed.publish(id);
    return { id, revoked: true };
  }

  /** Whether revocations from other replicas reach this one now (every configured channel connected). */
  revocationsLive(): boolean {
    this.#feed.start();
    return this.#feed.trusted();
  }

  async close(): Promise<void> {
    await this.#feed.close();
  }

  /** Whether this exact key is registered and active. */
  async exists(key: string): Promise<boolean> {
    const { rows } = await this.#runtime.store.query(
      'SELECT 1 FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hashKey(key)],
    );
    return rows.length > 0;
  }

  async count(role?: Role): Promise<number> {
    const { rows } = await this.#runtime.store.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NULL AND ($1::text IS NULL OR role = $1)`,
      [role ?? null],
    );
    return rows[0].n;
  }
}

export const apiKeysService = defineService('api-keys', (runtime) => new ApiKeys(runtime));
