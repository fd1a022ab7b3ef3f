/**
 * The agent loop on the AI SDK: `generateText` with the turn's tools, a step limit and a concurrency cap, over the
 * route's provider chain called through its streaming API (`generateThroughStream`), so the chain's first-token
 * timeout and fallback apply and a streaming caller gets each text delta as the provider produces it — without the
 * SDK's stream plumbing (`streamText` costs about 0.5 ms more per two-step turn, see BENCHMARKS.md). It adds up usage
 * per step and collects every tool call with its result. Retries belong to the provider chain (`maxRetries: 0`).
 */
import { generateText, stepCountIs, type ModelMessage, type Tool } from 'ai';
import type {
  LanguageModelV4,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import { ZantaraError } from '../errors.ts';
import { keyForToolName } from '../handlers/tool-names.ts';

/** A tool call of the turn and its result (or the reason it could not run). */
export type ToolRecord = { tool_call_id: string; key: string; input: unknown; output?: unknown; error?: string };
export type StepUsage = { input_tokens: number; cached_input_tokens: number; output_tokens: number };

export type AgentLoopInput = {
  model: LanguageModelV4;
  instructions: string;
  messages: ModelMessage[];
  tools: Record<string, Tool>;
  /** Tool names the model may use in the next step (re-read before every step). */
  activeTools(): string[];
  maxSteps: number;
  toolConcurrency: number;
  maxOutputTokens?: number;
  signal?: AbortSignal;
  /** Text deltas as the provider produces them (a streaming caller); optional. */
  onText?(text: string): void;
  onStepUsage(usage: StepUsage): void;
};

/** Steps' texts are joined with a blank line, unless the text so far ends in white space. */
function joined(text: string, next: string): string {
  return text && !/\s$/.test(text) ? `${text}\n\n${next}` : text + next;
}

/**
 * Runs the loop to its end and returns the answer text (all steps' text, steps separated by a blank line) and the
 * tool records. Throws the provider's error, or `cancelled` when the caller went away.
 */
export async function runAgentLoop(input: AgentLoopInput): Promise<{ text: string; toolRecords: ToolRecord[] }> {
  // What has been streamed so far, so a step's first delta gets the same separator as the final text.
  let streamed = '';
  let stepHasText = false;
  const onText = input.onText;
  const forward = onText && {
    stepStarted: () => {
      stepHasText = false;
    },
    part: (part: LanguageModelV4StreamPart) => {
      if (part.type !== 'text-delta' || !part.delta) return;
      const delta = stepHasText ? part.delta : joined(streamed, part.delta).slice(streamed.length);
      stepHasText = true;
      streamed += delta;
      onText(delta);
    },
  };
  let steps: Awaited<ReturnType<typeof generateText>>['steps'];
  try {
    ({ steps } = await generateText({
      model: generateThroughStream(input.model, forward),
      instructions: input.instructions,
      messages: input.messages,
      tools: input.tools,
      activeTools: input.activeTools(),
      prepareStep: () => ({ activeTools: input.activeTools() }),
      stopWhen: stepCountIs(input.maxSteps),
      toolCallConcurrency: input.toolConcurrency,
      maxRetries: 0,
      maxOutputTokens: input.maxOutputTokens,
      abortSignal: input.signal,
      onStepFinish: (step) =>
        input.onStepUsage({
          input_tokens: step.usage.inputTokens ?? 0,
          cached_input_tokens: step.usage.inputTokenDetails?.cacheReadTokens ?? 0,
          output_tokens: step.usage.outputTokens ?? 0,
        }),
    }));
  } catch (error) {
    if (input.signal?.aborted)
      throw new ZantaraError('cancelled', 'The request was cancelled.', { status: 499, cause: error, expose: true });
    throw error;
  }
  let text = '';
  const toolRecords: ToolRecord[] = [];
  for (const step of steps) {
    if (step.text) text = joined(text, step.text);
    for (const part of step.content) {
      if (part.type === 'tool-result') {
        toolRecords.push({
          tool_call_id: part.toolCallId,
          key: keyForToolName(part.toolName),
          input: part.input,
          output: part.output,
        });
      } else if (part.type === 'tool-error') {
        toolRecords.push({
          tool_call_id: part.toolCallId,
          key: keyForToolName(part.toolName),
          input: part.input,
          error: String((part.error as Error)?.message ?? part.error).slice(0, 500),
        });
      }
    }
  }
  return { text, toolRecords };
}

/** Sees each part of each call's stream as it arrives; `stepStarted` before each call. */
export type StreamListener = { stepStarted(): void; part(part: LanguageModelV4StreamPart): void };

/**
 * The model with `doGenerate` answered through its `doStream`: `generateText` drives it, the provider is called
 * as a streaming call, `listener` sees the parts as they arrive, and they are collected into one result.
 */
export function generateThroughStream(model: LanguageModelV4, listener?: StreamListener): LanguageModelV4 {
  return {
    specificationVersion: model.specificationVersion,
    provider: model.provider,
    modelId: model.modelId,
    supportedUrls: model.supportedUrls,
    doStream: (options) => model.doStream(options),
    doGenerate: async (options) => {
      listener?.stepStarted();
      return collectStream(await model.doStream(options), listener?.part);
    },
  };
}

/** A stream's parts as one generate result (text and reasoning joined per block, everything else in order). */
export async function collectStream(
  result: LanguageModelV4StreamResult,
  onPart?: (part: LanguageModelV4StreamPart) => void,
): Promise<LanguageModelV4GenerateResult> {
  const content: LanguageModelV4Content[] = [];
  type Block = { type: 'text' | 'reasoning'; text: string; providerMetadata?: SharedV4ProviderMetadata };
  const blocks = new Map<string, Block>();
  let finish: Extract<LanguageModelV4StreamPart, { type: 'finish' }> | undefined;
  let warnings: LanguageModelV4GenerateResult['warnings'] = [];
  let metadata: Omit<Extract<LanguageModelV4StreamPart, { type: 'response-metadata' }>, 'type'> = {};
  const reader = result.stream.getReader();
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    const part = next.value;
    onPart?.(part);
    switch (part.type) {
      case 'stream-start':
        warnings = part.warnings;
        break;
      case 'response-metadata': {
        const { type: _type, ...rest } = part;
        metadata = rest;
        break;
      }
      case 'text-start':
      case 'reasoning-start': {
        const block: Block = {
          type: part.type === 'text-start' ? 'text' : 'reasoning',
          text: '',
          ...(part.providerMetadata ? { providerMetadata: part.providerMetadata } : {}),
        };
        blocks.set(`${block.type}:${part.id}`, block);
        content.push(block);
        break;
      }
      // A block's metadata can come with any of its parts (Gemini signs the last chunk): the latest one wins, as in
      // the SDK's own streamText, so a `thoughtSignature` is replayed with the block in the next step.
      case 'text-delta':
      case 'reasoning-delta': {
        const type = part.type === 'text-delta' ? ('text' as const) : ('reasoning' as const);
        const block = blocks.get(`${type}:${part.id}`);
        if (block) {
          block.text += part.delta;
          if (part.providerMetadata) block.providerMetadata = part.providerMetadata;
        } else
          content.push({
            type,
            text: part.delta,
            ...(part.providerMetadata ? { providerMetadata: part.providerMetadata } : {}),
          });
        break;
      }
      case 'text-end':
      case 'reasoning-end': {
        const block = blocks.get(`${part.type === 'text-end' ? 'text' : 'reasoning'}:${part.id}`);
        if (block && part.providerMetadata) block.providerMetadata = part.providerMetadata;
        break;
      }
      case 'tool-input-start':
      case 'tool-input-delta':
      case 'tool-input-end':
      case 'ping':
      case 'raw':
        break;
      case 'finish':
        finish = part;
        break;
      case 'error':
        throw part.error;
      default:
        content.push(part);
    }
  }
  return {
    content,
    finishReason: finish?.finishReason ?? { unified: 'other', raw: undefined },
    usage: finish?.usage ?? {
      inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    },
    ...(finish?.providerMetadata ? { providerMetadata: finish.providerMetadata } : {}),
    warnings,
    request: result.request,
    response: { ...metadata, headers: result.response?.headers },
  };
}
