import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { invalidParams } from '../../errors.ts';
import { eventFeedService, MAX_PENDING_MESSAGES, TYPE_PATTERN, type FeedMessage } from '../../realtime/event-feed.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import type { AppEnv } from '../app-env.ts';
import { requireKey } from '../auth-middleware.ts';

/**
 * GET /v1/events: the staff event feed as Server-Sent Events (new leads, pending approvals, inbound messages,
 * outbox status, announcements). `?types=lead.*,outbox.status` filters; `Last-Event-ID` (or `?last_event_id=`)
 * resumes after the last event seen.
 */
export function eventRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  app.get('/v1/events', requireKey(runtime, ['staff', 'admin']), (c) => {
    const types = (c.req.query('types') ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const bad = types.filter((t) => !TYPE_PATTERN.test(t));
    if (bad.length || types.length > 20)
      throw invalidParams([
        { path: 'types', message: 'a comma-separated list of event types or prefixes like outbox.*' },
      ]);
    const lastEventId =
      (c.req.header('last-event-id') ?? c.req.query('last_event_id'))?.trim().slice(0, 100) || undefined;
    const feed = runtime.service(eventFeedService);
    const principal = c.get('principal');
    feed.assertCapacity();
    c.header('X-Accel-Buffering', 'no'); // nginx: do not buffer the stream

    return streamSSE(c, async (stream) => {
      let chain = Promise.resolve();
      let pending = 0;
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const write = (message: FeedMessage) => {
        if (stream.aborted || stream.closed) return;
        // A client that stops reading is dropped rather than buffered without end.
        if (++pending > MAX_PENDING_MESSAGES) {
          stream.abort();
          return;
        }
        chain = chain
          .then(() =>
            'comment' in message
              ? stream.write(`: ${message.comment}\n\n`).then(() => undefined)
              : stream.writeSSE(message),
          )
          .catch(() => undefined)
          .finally(() => {
            pending--;
          });
      };
      let connection: { dispose(): void } | undefined;
      stream.onAbort(() => {
        connection?.dispose();
        finish();
      });
      connection = feed.open(principal, { lastEventId, types }, write, finish);
      if (stream.aborted) {
        connection.dispose();
        finish();
      }
      await finished;
      await chain;
    });
  });
}
