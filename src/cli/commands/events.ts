import { ZantaraError } from '../../errors.ts';
import { SseReader } from '../../realtime/sse-reader.ts';
import { cliFetch } from '../cli-fetch.ts';
import { str, type Command, type CommandIo } from '../command.ts';

/** One line per event: time, type, then the event's data as JSON. */
function line(event: { type: string; data: any }): string {
  return `${event.data?.at ?? ''} ${event.type} ${JSON.stringify(event.data?.data ?? {})}\n`;
}

/**
 * Follows GET /v1/events of a running server and prints each event; after a dropped connection it reconnects
 * with Last-Event-ID (so nothing is missed while the server still buffers it), waiting 1, 2, 4… up to 30 s.
 */
export async function followEvents(
  io: CommandIo,
  options: { url: string; key: string; types?: string; count?: number; signal?: AbortSignal },
): Promise<number> {
  let lastId: string | undefined;
  let printed = 0;
  let wait = 1000;
  const target = new URL('/v1/events', options.url);
  if (options.types) target.searchParams.set('types', options.types);
  while (!options.signal?.aborted) {
    try {
      const headers: Record<string, string> = { 'x-api-key': options.key, accept: 'text/event-stream' };
      if (lastId) headers['last-event-id'] = lastId;
      const res = await cliFetch(target, { headers, signal: options.signal });
      if (res.status === 401 || res.status === 403 || res.status === 400) {
        const body = (await res.json().catch(() => ({}))) as { message?: string };
        io.err(`events: ${res.status} ${body.message ?? ''}\n`);
        return 1;
      }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const reader = new SseReader(res);
      for (;;) {
        const event = await reader.nextEvent();
        if (event.type === 'ready') {
          wait = 1000;
          continue;
        }
        if (event.type === 'resync') {
          io.err('events: some events were missed while disconnected\n');
          continue;
        }
        if (event.id) lastId = event.id;
        io.out(line(event));
        if (options.count && ++printed >= options.count) {
          await reader.cancel();
          return 0;
        }
      }
    } catch (error) {
      if (options.signal?.aborted) break;
      io.err(`events: disconnected (${(error as Error).message}); reconnecting in ${wait / 1000} s\n`);
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 30_000);
    }
  }
  return 0;
}

export const eventsCommand: Command = {
  name: 'events',
  summary: 'Follow the live staff event feed of a running server',
  options: {
    url: { type: 'string', value: 'URL', description: 'The server (or ZANTARA_URL)' },
    key: { type: 'string', value: 'KEY', description: 'A staff or admin API key (or ZANTARA_API_KEY)' },
    types: {
      type: 'string',
      value: 'TYPES',
      description: 'Event types, comma-separated, * allowed (lead.*,outbox.status)',
    },
    count: { type: 'string', value: 'N', description: 'Stop after N events' },
  },
  async run({ values: options }, io) {
    const url = str(options.url) ?? io.env.ZANTARA_URL;
    const key = str(options.key) ?? io.env.ZANTARA_API_KEY;
    if (!url || !key)
      throw new ZantaraError('usage', '--url URL and --key KEY (or ZANTARA_URL and ZANTARA_API_KEY) are required');
    const count = str(options.count) ? Number(options.count) : undefined;
    if (count !== undefined && (!Number.isInteger(count) || count < 1))
      throw new ZantaraError('usage', '--count must be a positive integer');
    return followEvents(io, { url, key, types: str(options.types), count });
  },
};
