import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { parseEnv } from '../config/env.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { defineService } from '../runtime/service.ts';
import type { BackgroundTask } from '../runtime/background.ts';
import { eventBusService, type EventBus, type ZantaraEvent } from './event-bus.ts';
import { eventFeedService } from './event-feed.ts';

const fanoutEnv = z.object({
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  ZANTARA_EVENTS_CHANNEL: z
    .string()
    .regex(/^[\w:.-]{1,100}$/)
    .default('zantara:events'),
});

const wireEvent = z.object({
  origin: z.string().min(1).max(100),
  event: z.object({
    id: z.string().min(1).max(100),
    type: z.string().min(1).max(200),
    at: z.string().max(40),
    audience: z.array(z.enum(['admin', 'staff'])).min(1),
    data: z.record(z.string(), z.unknown()),
  }),
});

export type FanoutStats = {
  enabled: true;
  channel: string;
  instance_id: string;
  connected: boolean;
  sent: number;
  received: number;
  dropped: number;
};

/**
 * Shares events between replicas through Redis pub/sub: every event published on this replica is sent to the
 * channel; events from other replicas are delivered to this replica's listeners (and so to its feeds) with
 * their original ids, so a client can resume on any replica. Best effort: an event published while Redis is
 * down reaches this replica's feeds only.
 */
export class RedisFanout {
  readonly instanceId = randomUUID();
  readonly channel: string;
  readonly #bus: EventBus;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #log: Runtime['logger'];
  #unsubscribe?: () => void;
  #injecting?: string;
  #sent = 0;
  #received = 0;
  #dropped = 0;

  constructor(bus: EventBus, url: string, channel: string, logger: Runtime['logger']) {
    this.#bus = bus;
    this.channel = channel;
    this.#log = logger;
    this.#publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    this.#subscriber = new Redis(url, { lazyConnect: true });
    for (const client of [this.#publisher, this.#subscriber])
      client.on('error', (err: Error) => this.#log.warn({ err }, 'redis event fan-out'));
  }

  /**
   * Starts relaying; resolves once the channel subscription is active (which waits for Redis to answer).
   * Relaying local events starts at once; while Redis is unreachable they stay on this replica.
   */
  async start(): Promise<void> {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#bus.subscribe((event) => {
      if (event.id === this.#injecting) return;
      this.#publisher.publish(this.channel, JSON.stringify({ origin: this.instanceId, event })).then(
        () => {
          this.#sent++;
        },
        (err: unknown) => {
          this.#dropped++;
          this.#log.warn({ err, type: event.type }, 'event not shared with other replicas');
        },
      );
    });
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.#onMessage(message);
    });
    // ioredis re-subscribes by itself after a reconnect.
    await this.#subscriber.subscribe(this.channel);
  }

  stats(): FanoutStats {
    return {
      enabled: true,
      channel: this.channel,
      instance_id: this.instanceId,
      connected: this.#subscriber.status === 'ready',
      sent: this.#sent,
      received: this.#received,
      dropped: this.#dropped,
    };
  }

  async close(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    // disconnect, not quit: quit waits for a server that may be gone, and nothing here needs flushing.
    this.#subscriber.disconnect();
    this.#publisher.disconnect();
  }

  #onMessage(message: string): void {
    let parsed: z.infer<typeof wireEvent>;
    try {
      parsed = wireEvent.parse(JSON.parse(message));
    } catch {
      this.#dropped++;
      return;
    }
    if (parsed.origin === this.instanceId) return;
    this.#received++;
    this.#injecting = parsed.event.id;
    try {
      this.#bus.deliver(parsed.event as ZantaraEvent);
    } finally {
      this.#injecting = undefined;
    }
  }
}

/** The fan-out for this runtime, or undefined when REDIS_URL is not set (one replica: nothing to share). */
export const redisFanoutService = defineService('realtime-redis-fanout', (runtime): RedisFanout | undefined => {
  const { REDIS_URL, ZANTARA_EVENTS_CHANNEL } = parseEnv(fanoutEnv, runtime.env);
  return REDIS_URL
    ? new RedisFanout(runtime.service(eventBusService), REDIS_URL, ZANTARA_EVENTS_CHANNEL, runtime.logger)
    : undefined;
});

/** At server start: builds the event feed (and its metrics) and starts sharing events between replicas when REDIS_URL is set. */
export const eventFanoutTask: BackgroundTask = {
  name: 'event-fanout',
  async start(runtime) {
    // The feed registers its metrics when it is built; build it at start so /metrics shows it before the first client.
    runtime.service(eventFeedService);
    const fanout = runtime.service(redisFanoutService);
    if (!fanout) return;
    // Not awaited: an unreachable Redis must not hold up the server; the subscription completes when it answers.
    fanout
      .start()
      .catch((err: unknown) =>
        runtime.logger.error({ err }, 'redis event fan-out did not start: events reach this replica only'),
      );
  },
};
