import type { Env } from '../config/env.ts';
import { cleanEnv } from '../config/env.ts';
import { Registry } from '../handlers/registry.ts';
import type { AnyHandler } from '../handlers/handler.ts';
import { createRateLimiter, type RateLimiter } from '../rate-limit/rate-limiter.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createLogger, type Logger } from '../telemetry/logger.ts';
import { createMetrics, type Metrics } from '../telemetry/metrics.ts';
import { systemClock, type Clock } from './clock.ts';
import type { ServiceDefinition } from './service.ts';

/** Everything a handler or an entry point can reach: the store, the registry, services, logger, clock, limits. */
export type Runtime = {
  readonly env: Env;
  readonly store: Store;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly rateLimiter: RateLimiter;
  /** The service for `definition`, built on first use. */
  service<T>(definition: ServiceDefinition<T>): T;
  /** Registers a cleanup to run at close (background workers, sockets). */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
};

export type RuntimeOptions = {
  env?: Env;
  store?: Store;
  clock?: Clock;
  logger?: Logger;
  rateLimiter?: RateLimiter;
  /** Handlers to register; defaults to the full catalogue. */
  handlers?: AnyHandler[];
};

export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const env = cleanEnv(options.env ?? process.env);
  const logger = options.logger ?? createLogger(env);
  const rateLimiter = options.rateLimiter ?? createRateLimiter(env);
  const store = options.store ?? (await openStore(env));
  const handlers = options.handlers ?? (await import('../composition/handlers.ts')).catalog;
  const services = new Map<ServiceDefinition<unknown>, unknown>();
  const closers: Array<() => Promise<void> | void> = [];
  const registry = new Registry().register(...handlers);
  const runtime: Runtime = {
    env,
    store,
    registry,
    logger,
    clock: options.clock ?? systemClock,
    metrics: createMetrics(),
    rateLimiter,
    service<T>(definition: ServiceDefinition<T>): T {
      if (!services.has(definition)) {
        const instance = definition.create(runtime);
        services.set(definition, instance);
        const closable = instance as { close?: () => Promise<void> | void };
        if (typeof closable?.close === 'function') closers.push(() => closable.close!());
      }
      return services.get(definition) as T;
    },
    onClose(fn) { closers.push(fn); },
    async close() {
      for (const fn of closers.reverse()) await Promise.resolve(fn()).catch((error: unknown) => logger.error({ err: error }, 'close failed'));
      await rateLimiter.close();
      if (!options.store) await store.close();
    },
  };
  registry.bind(runtime);
  return runtime;
}
