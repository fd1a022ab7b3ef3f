/**
 * The OpenAI-compatible wire format as zod schemas: the routes validate requests with them and the OpenAPI
 * document is generated from the same objects, so the two cannot drift. Only the fields ZANTARA uses are
 * declared; other OpenAI parameters are accepted and ignored (as gateways do).
 */
import { z } from 'zod';

const textPart = z.object({ type: z.literal('text'), text: z.string().max(200_000) });
/** Message content: a string or a list of text parts (images and audio are not supported). */
const content = z.union([z.string().max(200_000), z.array(textPart).max(100)]);

const toolCall = z.object({
  id: z.string().min(1).max(200),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1).max(200), arguments: z.string().max(200_000) }),
});

const message = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content, name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: content.nullish(),
    tool_calls: z.array(toolCall).max(64).optional(),
    name: z.string().optional(),
  }),
  z.object({ role: z.literal('tool'), content, tool_call_id: z.string().min(1).max(200) }),
]);
export type ChatMessage = z.infer<typeof message>;

const functionTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64'),
    description: z.string().max(10_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of the arguments'),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);

export const chatCompletionRequest = z.object({
  model: z
    .string()
    .min(1)
    .max(200)
    .describe(
      '"zantara" for a full ZANTARA turn, or "<provider>/<model>" (e.g. groq/llama-3.3-70b-versatile) for the gateway',
    ),
  messages: z.array(message).min(1).max(1000),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  tools: z
    .array(functionTool)
    .max(128)
    .optional()
    .describe('Gateway mode: passed to the provider, calls come back as tool_calls'),
  tool_choice: toolChoice.optional(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().min(1).max(1_000_000).nullish(),
  max_completion_tokens: z.number().int().min(1).max(1_000_000).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  response_format: z
    .union([
      z.object({ type: z.enum(['text', 'json_object']) }),
      z.object({
        type: z.literal('json_schema'),
        json_schema: z.object({
          name: z.string().max(64),
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
        }),
      }),
    ])
    .optional()
    .describe('Gateway mode: passed to the provider (JSON mode, structured output)'),
  user: z.string().max(256).optional(),
  conversation_id: z
    .uuid()
    .optional()
    .describe('ZANTARA extension (model "zantara"): continue this conversation; the answer\'s zantara.conversation_id'),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

const usage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int() }).optional(),
});

const pendingAction = z.object({
  id: z.string(),
  key: z.string(),
  params: z.record(z.string(), z.unknown()),
  summary: z.string(),
  expires_at: z.string(),
});

/** The ZANTARA extension field of a `zantara` completion: the turn behind the answer. */
export const zantaraExtension = z
  .object({
    conversation_id: z.string(),
    turn_id: z.string(),
    pending_actions: z
      .array(pendingAction)
      .describe('Writes and sends the turn proposed; each runs once a person approves it'),
    handlers_used: z.array(z.string()),
    route: z.string(),
    provider: z.string(),
    model: z.string(),
    local: z.boolean(),
    cost_usd: z.number(),
    sources: z.array(z.object({ title: z.string(), source: z.string(), heading: z.string().optional() })).optional(),
  })
  .describe('ZANTARA extension: present on model "zantara" answers');

const toolCallOut = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});
const finishReason = z.enum(['stop', 'length', 'tool_calls', 'content_filter']);

export const chatCompletion = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.null(),
        tool_calls: z.array(toolCallOut).optional(),
      }),
      finish_reason: finishReason,
      logprobs: z.null(),
    }),
  ),
  usage,
  zantara: zantaraExtension.optional(),
});
export type ChatCompletion = z.infer<typeof chatCompletion>;

export const chatCompletionChunk = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion.chunk'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        delta: z.object({
          role: z.literal('assistant').optional(),
          content: z.string().optional(),
          tool_calls: z
            .array(
              z.object({
                index: z.number().int(),
                id: z.string().optional(),
                type: z.literal('function').optional(),
                function: z.object({ name: z.string().optional(), arguments: z.string().optional() }),
              }),
            )
            .optional(),
        }),
        finish_reason: finishReason.nullable(),
      }),
    ),
    usage: usage
      .nullish()
      .describe('Only on the last chunk (empty choices), when stream_options.include_usage is true'),
    zantara: zantaraExtension.optional().describe('On the last chunk of a "zantara" stream'),
  })
  .describe('One `data:` event of the stream; the stream ends with `data: [DONE]`');

export const modelList = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({ id: z.string(), object: z.literal('model'), created: z.number().int(), owned_by: z.string() }),
  ),
});

export const openAiErrorBody = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string().nullable(),
      request_id: z.string().optional(),
    }),
  })
  .describe("OpenAI's error shape");
