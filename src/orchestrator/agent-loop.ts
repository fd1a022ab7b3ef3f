/**
 * The agent loop on the AI SDK: one `streamText` call with the turn's tools, a step limit and a concurrency cap.
 * It streams text deltas as they come, adds up usage per step, and collects every tool call with its result.
 * Retries belong to the provider chain underneath (`maxRetries: 0` here).
 */
import { stepCountIs, streamText, type ModelMessage, type Tool } from 'ai';
import type { LanguageModelV4 } from '@ai-sdk/provider';
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
  onText(text: string): void;
  onStepUsage(usage: StepUsage): void;
};

/**
 * Runs the loop to its end and returns the answer text (all steps' text, steps separated by a blank line) and the
 * tool records. Throws the provider's error, or `cancelled` when the caller went away.
 */
export async function runAgentLoop(input: AgentLoopInput): Promise<{ text: string; toolRecords: ToolRecord[] }> {
  const result = streamText({
    model: input.model,
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
    // Errors arrive as `error` parts below; the default handler would only print them.
    onError: () => undefined,
  });
  let text = '';
  let stepHasText = false;
  const toolRecords: ToolRecord[] = [];
  for await (const part of result.fullStream) {
    switch (part.type) {
      case 'start-step':
        stepHasText = false;
        break;
      case 'text-delta': {
        const delta = !stepHasText && text && !/\s$/.test(text) ? `\n\n${part.text}` : part.text;
        stepHasText = true;
        text += delta;
        input.onText(delta);
        break;
      }
      case 'finish-step':
        input.onStepUsage({
          input_tokens: part.usage.inputTokens ?? 0,
          cached_input_tokens: part.usage.inputTokenDetails?.cacheReadTokens ?? 0,
          output_tokens: part.usage.outputTokens ?? 0,
        });
        break;
      case 'tool-result':
        toolRecords.push({ tool_call_id: part.toolCallId, key: keyForToolName(part.toolName), input: part.input, output: part.output });
        break;
      case 'tool-error':
        toolRecords.push({ tool_call_id: part.toolCallId, key: keyForToolName(part.toolName), input: part.input,
          error: String((part.error as Error)?.message ?? part.error).slice(0, 500) });
        break;
      case 'error':
        throw part.error;
      case 'abort':
        throw new ZantaraError('cancelled', 'The request was cancelled.', { status: 499, expose: true });
    }
  }
  return { text, toolRecords };
}
