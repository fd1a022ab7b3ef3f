import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseEnv } from '../config/env.ts';
import type { Clock } from '../runtime/clock.ts';
import { defineService } from '../runtime/service.ts';

/** What staff see happen: new leads, pending approvals, inbound messages, outbox status changes… */
export type ZantaraEvent = {
  id: string;
  type: string;
  at: string;
  /** Roles allowed to see it (staff feed: ['staff', 'admin']). */
  audience: Array<'admin' | 'staff'>;
  data: Record<string, unknown>;
};

type Listener = (event: ZantaraEvent) => void;

export type EventBusOptions = {
  /** How many recent events are kept for feeds that reconnect with Last-Event-ID (default 500). */
  bufferSize?: number;
  clock?: Clock;
};

export type EventBusStats = {
  subscribers: number;
  /** Events published in this process since it started. */
  published: number;
  published_by_type: Record<string, number>;
  /** Events published by other replicas and delivered here (Redis fan-out). */
  received_remote: number;
  buffered: number;
  buffer_size: number;
};

/**
 * In-process publish/subscribe for events. Publishing never fails the caller's work: a listener that throws
 * is dropped from that delivery only. The last `bufferSize` events are kept so a feed that reconnects can
 * resume after the last event it saw (`since`).
 *
 * @example
 * ctx.runtime.service(eventBusService).publish('lead.created', { id, name });
 */
export class EventBus {
  readonly #listeners = new Set<Listener>();
  readonly #buffer: ZantaraEvent[] = [];
  readonly #bufferSize: number;
  readonly #clock?: Clock;
  readonly #byType = new Map<string, number>();
  #published = 0;
  #remote = 0;

  constructor(options: EventBusOptions = {}) {
    this.#bufferSize = Math.max(1, options.bufferSize ?? 500);
    this.#clock = options.clock;
  }

  publish(
    type: string,
    data: Record<string, unknown>,
    audience: ZantaraEvent['audience'] = ['staff', 'admin'],
  ): ZantaraEvent {
    const at = (this.#clock?.now() ?? new Date()).toISOString();
    const event: ZantaraEvent = { id: randomUUID(), type, at, audience, data };
    this.#published++;
    this.#byType.set(type, (this.#byType.get(type) ?? 0) + 1);
    this.#dispatch(event);
    return event;
  }

  /**
   * Delivers an event published elsewhere (another replica) to this process's listeners, keeping its id.
   * An event already seen is ignored, so fan-out loops cannot repeat it. Returns whether it was delivered.
   */
  deliver(event: ZantaraEvent): boolean {
    if (this.#buffer.some((e) => e.id === event.id)) return false;
    this.#remote++;
    this.#dispatch(event);
    return true;
  }

  subscribe(listener: Listener): () => boolean {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The buffered events after `lastEventId`, oldest first. `complete` is false when that id is no longer
   * (or never was) in the buffer: the caller may have missed events, and gets everything still buffered.
   */
  since(lastEventId: string | undefined): { events: ZantaraEvent[]; complete: boolean } {
    if (!lastEventId) return { events: [], complete: true };
    const index = this.#buffer.findIndex((e) => e.id === lastEventId);
    return index < 0
      ? { events: [...this.#buffer], complete: false }
      : { events: this.#buffer.slice(index + 1), complete: true };
  }

  stats(): EventBusStats {
    return {
      subscribers: this.#listeners.size,
      published: this.#published,
      published_by_type: Object.fromEntries(this.#byType),
      received_remote: this.#remote,
      buffered: this.#buffer.length,
      buffer_size: this.#bufferSize,
    };
  }

  close(): void {
    this.#listeners.clear();
  }

  #dispatch(event: ZantaraEvent): void {
    this.#buffer.push(event);
    if (this.#buffer.length > this.#bufferSize) this.#buffer.splice(0, this.#buffer.length - this.#bufferSize);
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        /* a broken subscriber does not break the publisher */
      }
    }
  }
}

const busEnv = z.object({
  ZANTARA_EVENTS_BUFFER: z.coerce.number().int().min(1).max(100_000).default(500),
});

export const eventBusService = defineService(
  'event-bus',
  (runtime) => new EventBus({ bufferSize: parseEnv(busEnv, runtime.env).ZANTARA_EVENTS_BUFFER, clock: runtime.clock }),
);
