/**
 * Tells every replica that an API key was revoked, so each drops it from its verified-key cache at once: through
 * PostgreSQL LISTEN/NOTIFY when the store is PostgreSQL, and through Redis pub/sub when REDIS_URL is set. `trusted()`
 * is false while a configured channel is not connected; the key cache then keeps entries for one second only.
 */
import { Redis } from 'ioredis';
import { z } from 'zod';
import { parseEnv } from '../config/env.ts';
import type { Runtime } from '../runtime/runtime.ts';

export const REVOCATION_CHANNEL = 'zantara_key_revoked';
const REDIS_CHANNEL = 'zantara:keys:revoked';
const feedEnv = z.object({
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
});
const keyId = z.uuid();

export class RevocationFeed {
  readonly #runtime: Runtime;
  readonly #onRevoked: (keyId: string) => void;
  readonly #onReconnect: () => void;
  readonly #connected = new Map<'postgres' | 'redis', boolean>();
  readonly #stops: Array<() => Promise<void>> = [];
  #publisher?: Redis;
  #started = false;

  constructor(runtime: Runtime, handlers: { onRevoked(keyId: string): void; onReconnect(): void }) {
    this.#runtime = runtime;
    this.#onRevoked = handlers.onRevoked;
    this.#onReconnect = handlers.onReconnect;
  }

  /** Starts listening (once); the channels connect in the background. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const { store } = this.#runtime;
    if (store.kind === 'postgres' && store.listen) {
      this.#connected.set('postgres', false);
      this.#stops.push(
        store.listen(
          REVOCATION_CHANNEL,
          (payload) => this.#received(payload),
          (up) => this.#state('postgres', up),
        ),
      );
    }
    const { REDIS_URL } = parseEnv(feedEnv, this.#runtime.env);
    if (REDIS_URL) {
      this.#connected.set('redis', false);
      const subscriber = new Redis(REDIS_URL, { lazyConnect: true });
      subscriber.on('error', () => this.#state('redis', false));
      subscriber.on('close', () => this.#state('redis', false));
      subscriber.on('message', (_channel: string, payload: string) => this.#received(payload));
      subscriber.on('ready', () => {
        void subscriber.subscribe(REDIS_CHANNEL).then(
          () => this.#state('redis', true),
          () => undefined,
        );
      });
      void subscriber.connect().catch(() => undefined);
      this.#stops.push(async () => {
        await subscriber.quit().catch(() => subscriber.disconnect());
      });
    }
  }

  /** True when every configured channel is connected (always true for one process on PGlite without Redis). */
  trusted(): boolean {
    return [...this.#connected.values()].every(Boolean);
  }

  /** Announces a revocation on every configured channel; a channel that fails is logged, the others still carry it. */
  async publish(id: string): Promise<void> {
    const { store, env } = this.#runtime;
    const sends: Array<Promise<unknown>> = [];
    if (store.kind === 'postgres') sends.push(store.query('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, id]));
    const { REDIS_URL } = parseEnv(feedEnv, env);
    if (REDIS_URL) {
      this.#publisher ??= new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 }).on(
        'error',
        () => undefined,
      );
      sends.push(this.#publisher.publish(REDIS_CHANNEL, id));
    }
    for (const result of await Promise.allSettled(sends)) {
      if (result.status === 'rejected')
        this.#runtime.logger.warn({ err: result.reason }, 'key revocation not announced on one channel');
    }
  }

  async close(): Promise<void> {
    for (const stop of this.#stops.splice(0)) await stop();
    await this.#publisher?.quit().catch(() => this.#publisher?.disconnect());
  }

  #received(payload: string): void {
    if (keyId.safeParse(payload).success) this.#onRevoked(payload);
  }

  #state(channel: 'postgres' | 'redis', up: boolean): void {
    const was = this.#connected.get(channel);
    this.#connected.set(channel, up);
    // Revocations sent while this channel was down were missed: forget every cached key.
    if (up && !was) this.#onReconnect();
  }
}
