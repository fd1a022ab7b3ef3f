/**
 * The OpenAI-compatible API: `GET /v1/models` and `POST /v1/chat/completions`, with ZANTARA's API keys
 * (`Authorization: Bearer`). `model: "zantara"` runs a full ZANTARA turn; `model: "<provider>/<model>"` is the
 * gateway (openai-gateway.ts). Every failure answers in OpenAI's error shape. See docs/openai-compatible-api.md.
 */
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Principal } from '../../auth/principal.ts';
import { invalidParams, issuesFromZod } from '../../errors.ts';
import { textProblem } from '../../input-safety.ts';
import type { ChatTurnResult } from '../../runtime/chat-turn.ts';
import { orchestratorService } from '../../orchestrator/orchestrator.ts';
import { runChatTurn } from '../../orchestrator/run-chat-turn.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import type { AppEnv } from '../app-env.ts';
import { requireKey } from '../auth-middleware.ts';
import { readJsonObject } from '../envelope.ts';
import { openAiErrorResponse, openAiStreamError } from './openai-errors.ts';
import { sseResponse } from './openai-sse.ts';
import { gatewayModels, generateCompletion, startGatewayCall, streamCompletion } from './openai-gateway.ts';
import { openAiUsage, toCallOptions } from './openai-wire-format.ts';
import { chatCompletionRequest, type ChatCompletion, type ChatCompletionRequest } from './openai-schemas.ts';

export const ZANTARA_MODEL = 'zantara';

/** The sentence a `zantara` answer ends with when the turn proposed actions: they have not run yet. */
export function awaitingApprovalText(result: Pick<ChatTurnResult, 'pending_actions'>): string {
  if (!result.pending_actions.length) return '';
  const lines = result.pending_actions.map((a) => `- ${a.summary} (action ${a.id})`);
  return `\n\nProposed, awaiting approval (not done yet):\n${lines.join('\n')}`;
}

function extension(result: ChatTurnResult): NonNullable<ChatCompletion['zantara']> {
  return {
    conversation_id: result.conversation_id,
    turn_id: result.turn_id,
    pending_actions: result.pending_actions,
    handlers_used: result.handlers_used,
    route: result.route,
    provider: result.provider,
    model: result.model,
    local: result.local,
    cost_usd: result.cost_usd,
    ...(result.sources ? { sources: result.sources } : {}),
  };
}

/** The last user message is the turn's message; ZANTARA keeps the conversation itself (see `conversation_id`). */
function turnMessage(body: ChatCompletionRequest): string {
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  const text = last ? (typeof last.content === 'string' ? last.content : last.content.map((p) => p.text).join('')) : '';
  if (!text.trim())
    throw invalidParams([{ path: 'messages', message: 'model "zantara" needs a user message with text' }]);
  // NUL and lone surrogates would be answered (and billed) but never stored: refused before the turn.
  const problem = textProblem(text);
  if (problem) throw invalidParams([{ path: 'messages', message: problem }]);
  return text;
}

async function authenticate(c: Context<AppEnv>, runtime: Runtime): Promise<Principal> {
  await requireKey(runtime)(c, async () => undefined);
  return c.get('principal');
}

export function openAiRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  const created = Math.floor(runtime.clock.now().getTime() / 1000);

  app.get('/v1/models', async (c) => {
    try {
      await authenticate(c, runtime);
      const models = [
        { id: ZANTARA_MODEL, owned_by: 'zantara' },
        ...gatewayModels(runtime.service(orchestratorService).config),
      ];
      return c.json({
        object: 'list',
        data: models.map((m) => ({ id: m.id, object: 'model', created, owned_by: m.owned_by })),
      });
    } catch (error) {
      return openAiErrorResponse(c, error, runtime.logger);
    }
  });

  app.post('/v1/chat/completions', async (c) => {
    try {
      const principal = await authenticate(c, runtime);
      const parsed = chatCompletionRequest.safeParse(await readJsonObject(c));
      if (!parsed.success)
        throw invalidParams(issuesFromZod(parsed.error.issues), 'The body is not a valid chat completion request.');
      const body = parsed.data;
      if (body.model === ZANTARA_MODEL) return await zantaraCompletion(c, runtime, principal, body);
      // The model name is checked before the rate limit, so a typo does not cost the caller a request.
      const call = startGatewayCall(runtime, principal, body.model, body.stream === true);
      await runtime.rateLimiter.consume(principal, 'ai');
      const options = toCallOptions(body, c.req.raw.signal);
      if (!body.stream) return c.json(await generateCompletion(call, options));
      const chunks = await streamCompletion(call, options, body.stream_options?.include_usage === true);
      const requestId = c.get('requestId');
      return sseResponse(
        (async function* () {
          try {
            for await (const chunk of chunks) yield JSON.stringify(chunk);
            yield '[DONE]';
          } catch (error) {
            runtime.logger.warn({ err: error, requestId }, 'gateway stream failed');
            yield JSON.stringify(openAiStreamError(error, requestId));
          }
        })(),
      );
    } catch (error) {
      return openAiErrorResponse(c, error, runtime.logger);
    }
  });
}

async function zantaraCompletion(
  c: Context<AppEnv>,
  runtime: Runtime,
  principal: Principal,
  body: ChatCompletionRequest,
): Promise<Response> {
  const message = turnMessage(body);
  await runtime.rateLimiter.consume(principal, 'ai');
  const request = { message, conversation_id: body.conversation_id, channel: 'openai' };
  const requestId = c.get('requestId');
  const createdAt = Math.floor(runtime.clock.now().getTime() / 1000);
  if (!body.stream) {
    const result = await runChatTurn(runtime, principal, request, { signal: c.req.raw.signal, requestId });
    const completion: ChatCompletion = {
      id: `chatcmpl-${result.turn_id}`,
      object: 'chat.completion',
      created: createdAt,
      model: ZANTARA_MODEL,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: result.response + awaitingApprovalText(result), refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: openAiUsage(result.usage),
      zantara: extension(result),
    };
    return c.json(completion);
  }
  const id = `chatcmpl-${requestId}`;
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created: createdAt,
      model: ZANTARA_MODEL,
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    });
  return streamSSE(c, async (stream) => {
    let queue = stream.writeSSE({ data: chunk({ role: 'assistant', content: '' }) });
    const write = (data: string) => {
      queue = queue.then(() => stream.writeSSE({ data })).catch(() => undefined);
    };
    try {
      const result = await runChatTurn(runtime, principal, request, {
        signal: c.req.raw.signal,
        requestId,
        onEvent: (event) => {
          if (event.type === 'token') write(chunk({ content: event.text }));
        },
      });
      const awaiting = awaitingApprovalText(result);
      if (awaiting) write(chunk({ content: awaiting }));
      write(chunk({}, 'stop', { zantara: extension(result) }));
      if (body.stream_options?.include_usage) {
        write(
          JSON.stringify({
            id,
            object: 'chat.completion.chunk',
            created: createdAt,
            model: ZANTARA_MODEL,
            choices: [],
            usage: openAiUsage(result.usage),
          }),
        );
      }
      write('[DONE]');
    } catch (error) {
      runtime.logger.warn({ err: error, requestId }, 'zantara stream failed');
      write(JSON.stringify(openAiStreamError(error, requestId)));
    }
    await queue;
  });
}
