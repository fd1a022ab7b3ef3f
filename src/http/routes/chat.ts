import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { invalidParams, issuesFromZod } from '../../errors.ts';
import { inputIssues } from '../../input-safety.ts';
import { Conversations } from '../../orchestrator/conversations.ts';
import type { ChatEvent } from '../../orchestrator/orchestrator.ts';
import { runChatTurn } from '../../orchestrator/run-chat-turn.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import type { AppEnv } from '../app-env.ts';
import { requireKey } from '../auth-middleware.ts';
import { errorBody, readJsonObject } from '../envelope.ts';

export const chatBody = z
  .object({
    message: z.string().min(1).max(8000),
    conversation_id: z.string().uuid().optional(),
  })
  .strict();

/** The data of each SSE event: `token`, `handler`, `pending_action`, `done` (the JSON result) and `error`. */
function sseData(event: ChatEvent): { event: string; data: unknown } {
  switch (event.type) {
    case 'token':
      return { event: 'token', data: { text: event.text } };
    case 'handler':
      return { event: 'handler', data: { phase: event.phase, key: event.key, ok: event.ok, outcome: event.outcome } };
    case 'pending_action':
      return { event: 'pending_action', data: event.action };
    case 'done':
      return { event: 'done', data: event.result };
    case 'error':
      return { event: 'error', data: { ok: false, error: event.error, message: event.message } };
  }
}

/**
 * POST /v1/chat — one chat turn as JSON, or as Server-Sent Events with `Accept: text/event-stream`;
 * GET /v1/conversations — the principal's own conversations; GET /v1/conversations/:id/messages — one of them.
 */
export function chatRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  app.post('/v1/chat', requireKey(runtime), async (c) => {
    const body = await readJsonObject(c);
    // NUL and lone surrogates would be answered (and billed) but never stored: refused before the turn.
    const unsafe = inputIssues(body);
    if (unsafe.length) throw invalidParams(unsafe, 'The message must be valid text without NUL characters.');
    const parsed = chatBody.safeParse(body);
    if (!parsed.success)
      throw invalidParams(
        issuesFromZod(parsed.error.issues),
        'The body must be {"message": string, "conversation_id"?: uuid}.',
      );
    const principal = c.get('principal');
    await runtime.rateLimiter.consume(principal, 'ai');
    // Turns from the web app (a browser session or a guest) are on the `web` channel.
    const channel = principal.via === 'web_session' || principal.via === 'guest' ? 'web' : 'api';
    const request = { message: parsed.data.message, conversation_id: parsed.data.conversation_id, channel };
    const requestId = c.get('requestId');
    if (!(c.req.header('accept') ?? '').includes('text/event-stream')) {
      const result = await runChatTurn(runtime, principal, request, { signal: c.req.raw.signal, requestId });
      return c.json(result);
    }
    return streamSSE(c, async (stream) => {
      let queue = Promise.resolve();
      const send = (event: ChatEvent) => {
        const { event: name, data } = sseData(event);
        queue = queue.then(() => stream.writeSSE({ event: name, data: JSON.stringify(data) })).catch(() => undefined);
      };
      try {
        const result = await runChatTurn(runtime, principal, request, {
          onEvent: send,
          signal: c.req.raw.signal,
          requestId,
        });
        send({ type: 'done', result });
      } catch (error) {
        const { body } = errorBody(error, requestId);
        if (body.error === 'internal_error') runtime.logger.error({ err: error, requestId }, 'chat turn failed');
        send({ type: 'error', error: body.error, message: body.message ?? 'Internal error.' });
      }
      await queue;
    });
  });

  app.get('/v1/conversations', requireKey(runtime), async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 50) || 50, 1), 200);
    return c.json({ ok: true, conversations: await new Conversations(runtime.store).list(c.get('principal'), limit) });
  });

  app.get('/v1/conversations/:id/messages', requireKey(runtime), async (c) => {
    const messages = await new Conversations(runtime.store).messages(c.get('principal'), c.req.param('id'));
    return c.json({ ok: true, conversation_id: c.req.param('id'), messages });
  });
}
