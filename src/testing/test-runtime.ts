/**
 * Test support: a runtime on a shared test store, API keys per role, and `request()` through the real HTTP app
 * without a network (Hono's app.request).
 */
import { apiKeysService } from '../identity/api-keys.ts';
import type { Role } from '../auth/principal.ts';
import type { Principal } from '../auth/principal.ts';
import type { AnyHandler } from '../handlers/handler.ts';
import { createApp } from '../http/app.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { createZantara } from '../composition/zantara.ts';
import { handlerRegistry, type Registry } from '../handlers/registry.ts';
import type { Env } from '../config/env.ts';
import type { Store } from '../store/store.ts';

export type TestRuntime = Runtime & {
  /** The handler registry (`runtime.service(handlerRegistry)`), at hand for tests. */
  readonly registry: Registry;
  /** Creates an API key with this role and returns it with its principal. */
  key(role: Role, name?: string): Promise<{ key: string; principal: Principal }>;
  /** Sends a request to the HTTP app; `body` objects are sent as JSON. */
  request(
    path: string,
    init?: { method?: string; key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
};

export async function createTestRuntime(options: {
  store: Store;
  env?: Env;
  handlers?: AnyHandler[];
  clock?: Clock;
}): Promise<TestRuntime> {
  const runtime = await createZantara({
    env: { NODE_ENV: 'test', ...options.env },
    store: options.store,
    handlers: options.handlers,
    clock: options.clock,
  });
  const app = createApp(runtime);
  return Object.assign(runtime, {
    registry: runtime.service(handlerRegistry),
    async key(role: Role, name = `${role} test key`) {
      const created = await runtime.service(apiKeysService).create({ role, name });
      const principal = await runtime.service(apiKeysService).verify(created.key);
      return { key: created.key, principal: principal! };
    },
    async request(
      path: string,
      init: { method?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {},
    ) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.key) headers['x-api-key'] = init.key;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      return app.request(path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
    },
  });
}
