/**
 * Browser sessions: a person signs in once with an API key and the browser keeps only an opaque, HttpOnly session
 * cookie (the store keeps its SHA-256 hash and the key id, so revoking the key ends the session). Guests of the
 * public chat carry a signed cookie naming their guest id. CSRF tokens are HMACs of the session, so nothing else
 * is stored for them.
 */
import { createHmac, hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { apiKeysService } from '../identity/api-keys.ts';
import type { Principal, Role } from '../auth/principal.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { defineService } from '../runtime/service.ts';
import { webConfig, type WebConfig } from './web-config.ts';

const SECRET_SETTING = 'web_session_secret';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type WebIdentity = { principal: Principal; csrf: string; expiresAt?: string };

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class WebSessions {
  readonly #runtime: Runtime;
  readonly config: WebConfig;
  #secret?: Promise<Buffer>;
  readonly #knownGuests = new Set<string>();

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
    this.config = webConfig(runtime.env);
  }

  /** ZANTARA_SESSION_SECRET, or a random secret generated at first use and kept in the store (never a default). */
  secret(): Promise<Buffer> {
    this.#secret ??= (async () => {
      if (this.config.sessionSecret) return Buffer.from(this.config.sessionSecret, 'utf8');
      const store = this.#runtime.store;
      await store.query('INSERT INTO server_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
        SECRET_SETTING,
        randomBytes(32).toString('base64url'),
      ]);
      const { rows } = await store.query<{ value: string }>('SELECT value FROM server_settings WHERE name = $1', [
        SECRET_SETTING,
      ]);
      return Buffer.from(rows[0].value, 'utf8');
    })().catch((error: unknown) => {
      this.#secret = undefined;
      throw error;
    });
    return this.#secret;
  }

  async #mac(text: string): Promise<string> {
    return createHmac('sha256', await this.secret())
      .update(text)
      .digest('base64url');
  }

  /** Opens a session for a valid API key; undefined for an unknown or revoked key. */
  async open(key: string): Promise<(WebIdentity & { cookie: string }) | undefined> {
    const principal = await this.#runtime.service(apiKeysService).verify(key);
    if (!principal?.keyId) return undefined;
    const cookie = randomBytes(32).toString('base64url');
    const idHash = hash('sha256', cookie, 'hex');
    const expiresAt = new Date(
      this.#runtime.clock.now().getTime() + this.config.sessionHours * 3_600_000,
    ).toISOString();
    await this.#runtime.store.query('DELETE FROM web_sessions WHERE expires_at <= $1', [
      this.#runtime.clock.now().toISOString(),
    ]);
    await this.#runtime.store.query('INSERT INTO web_sessions (id_hash, key_id, expires_at) VALUES ($1, $2, $3)', [
      idHash,
      principal.keyId,
      expiresAt,
    ]);
    return { cookie, principal, csrf: await this.#mac(`csrf:${idHash}`), expiresAt };
  }

  /** The principal of a live session cookie (its key still active), or undefined. */
  async resolve(cookie: string): Promise<WebIdentity | undefined> {
    if (!/^[\w-]{43}$/.test(cookie)) return undefined;
    const idHash = hash('sha256', cookie, 'hex');
    const { rows } = await this.#runtime.store.query<{
      key_id: string;
      principal_id: string;
      role: Role;
      name: string;
      expires_at: string | Date;
    }>(
      `SELECT k.id AS key_id, k.principal_id, k.role, p.display_name AS name, s.expires_at
       FROM web_sessions s JOIN api_keys k ON k.id = s.key_id JOIN principals p ON p.id = k.principal_id
       WHERE s.id_hash = $1 AND s.expires_at > $2 AND k.revoked_at IS NULL`,
      [idHash, this.#runtime.clock.now().toISOString()],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      principal: { id: row.principal_id, role: row.role, name: row.name, keyId: row.key_id, via: 'web_session' },
      csrf: await this.#mac(`csrf:${idHash}`),
      expiresAt: new Date(row.expires_at).toISOString(),
    };
  }

  /** Ends one browser session (sign-out); not named `close`, which the runtime calls at shutdown. */
  async signOut(cookie: string): Promise<void> {
    await this.#runtime.store.query('DELETE FROM web_sessions WHERE id_hash = $1', [hash('sha256', cookie, 'hex')]);
  }

  /** A new guest: its id and the signed cookie value `id.mac`. */
  async newGuest(): Promise<{ cookie: string; identity: WebIdentity }> {
    const id = randomUUID();
    const cookie = `${id}.${await this.#mac(`guest:${id}`)}`;
    return { cookie, identity: await this.#guestIdentity(id) };
  }

  /** The guest of a signed guest cookie, or undefined when the signature does not match. */
  async guest(cookie: string): Promise<WebIdentity | undefined> {
    const [id, mac] = cookie.split('.');
    if (!id || !mac || !UUID.test(id) || !equal(mac, await this.#mac(`guest:${id}`))) return undefined;
    return this.#guestIdentity(id);
  }

  async #guestIdentity(id: string): Promise<WebIdentity> {
    const principal: Principal = { id, role: 'client', name: `Web guest ${id.slice(0, 8)}`, via: 'guest' };
    return { principal, csrf: await this.#mac(`csrf:guest:${id}`) };
  }

  /**
   * Makes the guest a principal row, so its turns and what it proposes (a lead) name who asked. Called on a guest's
   * first change, after the limits: merely opening the page stores nothing.
   */
  async rememberGuest(principal: Principal): Promise<void> {
    if (this.#knownGuests.has(principal.id)) return;
    await this.#runtime.store.query(
      `INSERT INTO principals (id, role, display_name) VALUES ($1, 'client', $2) ON CONFLICT (id) DO NOTHING`,
      [principal.id, principal.name],
    );
    if (this.#knownGuests.size > 50_000) this.#knownGuests.clear();
    this.#knownGuests.add(principal.id);
  }

  checkCsrf(identity: WebIdentity, token: string | undefined): boolean {
    return typeof token === 'string' && equal(token, identity.csrf);
  }
}

export const webSessionsService = defineService('web-sessions', (runtime) => new WebSessions(runtime));
