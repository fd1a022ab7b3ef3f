/**
 * The browser tests' world: a real ZANTARA server (the whole catalogue, in-process, port 0) on an in-memory store,
 * with its model provider pointed at a fake OpenAI-compatible server on loopback, and Debian's chromium driven by
 * playwright-core. `chromiumPath()` is undefined when the browser is not installed (the tests then skip, saying so).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { apiKeysService } from '../../src/auth/api-keys.ts';
import type { Role } from '../../src/auth/principal.ts';
import { startServer } from '../../src/http/server.ts';
import { resolveConfig } from '../../src/orchestrator/config.ts';
import { orchestratorService } from '../../src/orchestrator/orchestrator.ts';
import { createRuntime, type Runtime } from '../../src/runtime/runtime.ts';
import type { Store } from '../../src/store/store.ts';
import { startFakeModelServer, type FakeModelServer } from '../../src/testing/fake-model-servers/index.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumPath = (): string | undefined => (existsSync(CHROMIUM) ? CHROMIUM : undefined);

export type WebServer = {
  url: string;
  runtime: Runtime;
  key(role: Role, name?: string): Promise<string>;
  close(): Promise<void>;
};

/** Prices of the fake model, per million tokens, so a turn has a visible cost. */
export const FAKE_PRICE = { input: 3, output: 15 };

export async function startWebServer(
  store: Store,
  model: FakeModelServer,
  env: Record<string, string> = {},
): Promise<WebServer> {
  const runtime = await createRuntime({
    store,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      LLAMA_BASE_URL: model.baseURL,
      LLAMA_MODEL: 'fake-llama',
      LLAMA_API_KEY: 'test',
      ...env,
    },
  });
  runtime.service(orchestratorService).configure({
    config: resolveConfig(
      { routing: { mode: 'single', chain: ['llama'] }, prices: { 'fake-llama': FAKE_PRICE } },
      runtime.env,
      'web test',
    ),
    // Every handler the principal may use is offered, so a scripted tool call never depends on the relevance ranking.
    selectTools: (handlers) => handlers,
  });
  const server = await startServer(runtime, { port: 0, hostname: '127.0.0.1' });
  return {
    url: server.url,
    runtime,
    async key(role, name = `${role} (web test)`) {
      return (await runtime.service(apiKeysService).create({ role, name })).key;
    },
    async close() {
      await server.close();
      await runtime.close();
    },
  };
}

export async function launchBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export { startFakeModelServer };
