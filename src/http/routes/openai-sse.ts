/**
 * A `text/event-stream` response of `data:` events from an async source. Events that become ready in the same turn
 * of the event loop (a provider's network read usually carries several) go out in one write, so a streamed answer
 * costs a few writes instead of one per token.
 */
export function sseResponse(events: AsyncIterable<string>, headers: Record<string, string> = {}): Response {
  const encoder = new TextEncoder();
  let iterator: AsyncIterator<string> | undefined;
  // Set once the reader has gone away: nothing may be enqueued on, or close, a cancelled stream.
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let pending = '';
      let scheduled = false;
      const flush = () => {
        scheduled = false;
        if (pending && !cancelled) controller.enqueue(encoder.encode(pending));
        pending = '';
      };
      iterator = events[Symbol.asyncIterator]();
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done || cancelled) break;
          pending += `data: ${next.value}\n\n`;
          if (!scheduled) {
            scheduled = true;
            setImmediate(flush);
          }
        }
      } finally {
        flush();
        if (!cancelled) controller.close();
      }
    },
    async cancel() {
      cancelled = true;
      await iterator?.return?.();
    },
  });
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers },
  });
}
