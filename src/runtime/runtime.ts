import type { Env } from '../config/env.ts';
import { cleanEnv } from '../config/env.ts';
import { createRateLimiter, type RateLimiter } from '../rate-limit/rate-limiter.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createLogger, type Logger } from '../telemetry/logger.ts';
import { createMetrics, type Metrics } from '../telemetry/metrics.ts';
import { systemClock, type Clock } from './clock.ts';

/** A lazily built, per-runtime singleton; declared with `defineService` or `definePort` (service.ts). */
export type ServiceDefinition<T> = { readonly name: string; readonly create: (runtime: Runtime) => T };

/**
 * The kernel every layer shares: the store, services, logger, clock, metrics and limits. It knows no handler, route
 * or worker: the composition root (src/composition/) provides those through `provide`.
 */
export type Runtime = {
  readonly env: Env;
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly rateLimiter: RateLimiter;
  /** The service for `definition`, built on first use (or the value given to `provide`). */
  service<T>(definition: ServiceDefinition<T>): T;
  /** Sets the value of a service or port before its first use (the handler registry, the outbox's deliverers…). */
  provide<T>(definition: ServiceDefinition<T>, value: T): void;
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
};

export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const env = cleanEnv(options.env ?? process.env);
  const logger = options.logger ?? createLogger(env);
  const rateLimiter = options.rateLimiter ?? createRateLimiter(env);
  const store = options.store ?? (await openStore(env));
  const services = new Map<ServiceDefinition<unknown>, unknown>();
  const closers: Array<() => Promise<void> | void> = [];
  const runtime: Runtime = {
    env,
    store,
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
    provide<T>(definition: ServiceDefinition<T>, value: T): void {
      if (services.has(definition))
        throw new Error(`${definition.name} is already in use; provide it before its first use`);
      services.set(definition, value);
    },
    onClose(fn) {
      closers.push(fn);
    },
    async close() {
      for (const fn of closers.reverse())
        await Promise.resolve(fn()).catch((error: unknown) => logger.error({ err: error }, 'close failed'));
      await rateLimiter.close();
      if (!options.store) await store.close();
    },
  };
  return runtime;
}
