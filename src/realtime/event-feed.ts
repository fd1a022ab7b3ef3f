import { randomUUID } from 'node:crypto';
import { Gauge } from 'prom-client';
import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import { parseEnv } from '../config/env.ts';
import { ZantaraError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { defineService } from '../runtime/service.ts';
import { eventBusService, type ZantaraEvent } from './event-bus.ts';

/** One message of the feed, shaped for Server-Sent Events (a comment is a heartbeat no client sees). */
export type FeedMessage = { event: string; id?: string; data: string; retry?: number } | { comment: string };

export type FeedConnectionInfo = {
  id: string;
  principal_id: string;
  principal_name: string;
  role: string;
  opened_at: string;
  types: string[];
};

/** A type filter: exact types (`lead.created`) or prefixes (`outbox.*`). Empty means everything. */
export const TYPE_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?$/;

export function matchesTypes(type: string, patterns: readonly string[]): boolean {
  return (
    patterns.length === 0 || patterns.some((p) => (p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) : type === p))
  );
}

const feedEnv = z.object({
  ZANTARA_EVENTS_HEARTBEAT_SECONDS: z.coerce.number().min(0.01).max(3600).default(15),
  ZANTARA_EVENTS_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(500),
});

/** A feed connection is dropped when this many messages wait for a client that does not read. */
export const MAX_PENDING_MESSAGES = 1000;

/**
 * The staff event feed: each connection sees the events its role may see (optionally filtered by type),
 * starting after `Last-Event-ID` when it reconnects, with heartbeats so proxies keep it open. Connections
 * are counted for `realtime.stats` and ended when the runtime closes.
 */
export class EventFeed {
  readonly #runtime: Runtime;
  readonly #connections = new Map<string, { info: FeedConnectionInfo; end: () => void }>();
  readonly heartbeatMs: number;
  readonly maxConnections: number;

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
    const config = parseEnv(feedEnv, runtime.env);
    this.heartbeatMs = Math.round(config.ZANTARA_EVENTS_HEARTBEAT_SECONDS * 1000);
    this.maxConnections = config.ZANTARA_EVENTS_MAX_CONNECTIONS;
    // Read at scrape time, so /metrics always agrees with realtime.stats.
    const feed = this;
    new Gauge({
      name: 'zantara_event_feed_connections',
      help: 'Open GET /v1/events connections',
      registers: [runtime.metrics.registry],
      collect() {
        this.set(feed.#connections.size);
      },
    });
    new Gauge({
      name: 'zantara_events_published',
      help: 'Events published in this process since start, by type',
      labelNames: ['type'],
      registers: [runtime.metrics.registry],
      collect() {
        for (const [type, n] of Object.entries(runtime.service(eventBusService).stats().published_by_type))
          this.set({ type }, n);
      },
    });
  }

  /**
   * Opens a connection: writes a `ready` message, the missed events after `lastEventId` (or a `resync`
   * message first when they are no longer buffered), then live events as they happen, and heartbeats.
   * `write` must keep order; `end` is called when the server closes the feed. Returns the cleanup to call
   * when the client goes away.
   * @throws ZantaraError too_many_connections (503) when the server is at its limit
   */
  open(
    principal: Principal,
    options: { lastEventId?: string; types: string[] },
    write: (message: FeedMessage) => void,
    end: () => void,
  ): { id: string; dispose: () => void } {
    this.assertCapacity();
    const bus = this.#runtime.service(eventBusService);
    const id = randomUUID();
    const visible = (event: ZantaraEvent) =>
      (event.audience as string[]).includes(principal.role) && matchesTypes(event.type, options.types);
    const toMessage = (event: ZantaraEvent): FeedMessage => ({
      event: event.type,
      id: event.id,
      data: JSON.stringify(event),
    });

    // Replay and subscription happen in one synchronous step, so no event falls between them.
    const replay = bus.since(options.lastEventId);
    write({
      event: 'ready',
      retry: 3000,
      data: JSON.stringify({
        connection_id: id,
        resumed: Boolean(options.lastEventId) && replay.complete,
        heartbeat_seconds: this.heartbeatMs / 1000,
        types: options.types,
      }),
    });
    if (!replay.complete) {
      write({
        event: 'resync',
        data: JSON.stringify({
          reason: 'last_event_id_not_buffered',
          message: 'Some events may have been missed; reload the current state.',
        }),
      });
    }
    for (const event of replay.events) if (visible(event)) write(toMessage(event));
    const unsubscribe = bus.subscribe((event) => {
      if (visible(event)) write(toMessage(event));
    });
    const heartbeat = setInterval(
      () => write({ comment: `heartbeat ${this.#runtime.clock.now().toISOString()}` }),
      this.heartbeatMs,
    );
    heartbeat.unref();

    let disposed = false;
    const dispose = () => {
      if (disposed) return;
      disposed = true;
      clearInterval(heartbeat);
      unsubscribe();
      this.#connections.delete(id);
    };
    this.#connections.set(id, {
      info: {
        id,
        principal_id: principal.id,
        principal_name: principal.name,
        role: principal.role,
        opened_at: this.#runtime.clock.now().toISOString(),
        types: options.types,
      },
      end: () => {
        dispose();
        end();
      },
    });
    return { id, dispose };
  }

  /** @throws ZantaraError too_many_connections (503) when the server is at its limit */
  assertCapacity(): void {
    if (this.#connections.size >= this.maxConnections) {
      throw new ZantaraError(
        'too_many_connections',
        `The event feed is at its limit of ${this.maxConnections} connections; retry later.`,
        { status: 503, expose: true, details: { retry_after_seconds: 5 } },
      );
    }
  }

  connections(): FeedConnectionInfo[] {
    return [...this.#connections.values()].map((c) => c.info);
  }

  /** Ends every open connection (server shutdown). */
  close(): void {
    for (const connection of [...this.#connections.values()]) connection.end();
  }
}

export const eventFeedService = defineService('event-feed', (runtime) => new EventFeed(runtime));
