/**
 * OpenAI's chat-completions wire format ↔ the AI SDK's provider interface (LanguageModelV4): messages and tools in,
 * finish reasons and usage out. Used by the gateway (openai-gateway.ts).
 */
import type {
  JSONSchema7,
  LanguageModelV4CallOptions,
  LanguageModelV4FinishReason,
  LanguageModelV4FunctionTool,
  LanguageModelV4Message,
  LanguageModelV4Usage,
} from '@ai-sdk/provider';
import { invalidParams } from '../../errors.ts';
import type { ChatCompletion, ChatCompletionRequest, ChatMessage } from './openai-schemas.ts';

function text(content: ChatMessage['content'] | null | undefined): string {
  if (content == null) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/** OpenAI messages → the AI SDK's provider prompt; tool results are matched to the assistant call that asked. */
export function toProviderPrompt(messages: ChatMessage[]): LanguageModelV4Message[] {
  const prompt: LanguageModelV4Message[] = [];
  const callNames = new Map<string, string>();
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        prompt.push({ role: 'system', content: text(m.content) });
        return;
      case 'user':
        prompt.push({ role: 'user', content: [{ type: 'text', text: text(m.content) }] });
        return;
      case 'assistant': {
        const parts: Extract<LanguageModelV4Message, { role: 'assistant' }>['content'] = [];
        const said = text(m.content);
        if (said) parts.push({ type: 'text', text: said });
        (m.tool_calls ?? []).forEach((call, j) => {
          let input: unknown;
          try {
            input = JSON.parse(call.function.arguments || '{}');
          } catch {
            throw invalidParams([
              { path: `messages.${i}.tool_calls.${j}.function.arguments`, message: 'not valid JSON' },
            ]);
          }
          callNames.set(call.id, call.function.name);
          parts.push({ type: 'tool-call', toolCallId: call.id, toolName: call.function.name, input });
        });
        prompt.push({ role: 'assistant', content: parts });
        return;
      }
      case 'tool': {
        const toolName = callNames.get(m.tool_call_id);
        if (!toolName)
          throw invalidParams([
            { path: `messages.${i}.tool_call_id`, message: 'matches no earlier assistant tool call' },
          ]);
        const part = {
          type: 'tool-result' as const,
          toolCallId: m.tool_call_id,
          toolName,
          output: { type: 'text' as const, value: text(m.content) },
        };
        const last = prompt[prompt.length - 1];
        // Consecutive tool results belong to one tool message (some providers require it).
        if (last?.role === 'tool') last.content.push(part);
        else prompt.push({ role: 'tool', content: [part] });
      }
    }
  });
  return prompt;
}

export function toCallOptions(
  body: ChatCompletionRequest,
  signal: AbortSignal | undefined,
): LanguageModelV4CallOptions {
  const tools: LanguageModelV4FunctionTool[] | undefined = body.tools?.map((t) => ({
    type: 'function',
    name: t.function.name,
    description: t.function.description,
    inputSchema: (t.function.parameters ?? { type: 'object', properties: {} }) as JSONSchema7,
    ...(t.function.strict != null ? { strict: t.function.strict } : {}),
  }));
  const choice = body.tool_choice;
  const format = body.response_format;
  return {
    prompt: toProviderPrompt(body.messages),
    tools,
    toolChoice:
      choice === undefined
        ? undefined
        : typeof choice === 'string'
          ? { type: choice }
          : { type: 'tool', toolName: choice.function.name },
    responseFormat:
      !format || format.type === 'text'
        ? undefined
        : 'json_schema' in format
          ? {
              type: 'json',
              name: format.json_schema.name,
              description: format.json_schema.description,
              schema: format.json_schema.schema as JSONSchema7 | undefined,
            }
          : { type: 'json' },
    maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    stopSequences: body.stop == null ? undefined : typeof body.stop === 'string' ? [body.stop] : body.stop,
    seed: body.seed ?? undefined,
    presencePenalty: body.presence_penalty ?? undefined,
    frequencyPenalty: body.frequency_penalty ?? undefined,
    abortSignal: signal,
  };
}

export function finishReasonOf(
  reason: LanguageModelV4FinishReason,
): 'stop' | 'length' | 'tool_calls' | 'content_filter' {
  switch (reason.unified) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export function usageOf(usage: LanguageModelV4Usage | undefined): {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
} {
  return {
    input_tokens: usage?.inputTokens.total ?? 0,
    cached_input_tokens: usage?.inputTokens.cacheRead ?? 0,
    output_tokens: usage?.outputTokens.total ?? 0,
  };
}

export function openAiUsage(u: {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
}): ChatCompletion['usage'] {
  return {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    total_tokens: u.input_tokens + u.output_tokens,
    prompt_tokens_details: { cached_tokens: u.cached_input_tokens },
  };
}
