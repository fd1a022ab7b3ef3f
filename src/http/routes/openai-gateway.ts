/**
 * The gateway mode of /v1/chat/completions (`model: "<provider>/<model>"`): the caller's messages and tools go to
 * that provider through the orchestrator's provider chain (the same fallbacks, cooldowns and first-token timeout as
 * chat turns), and the answer comes back in OpenAI's format. Nothing else runs: no local tier, no handlers, no
 * memory. Each request leaves one row in the cost ledger (`turn_traces`, route `gateway`).
 */
import { randomUUID } from 'node:crypto';
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { Principal } from '../../auth/principal.ts';
import { notFound } from '../../errors.ts';
import { chainsOf, type OrchestratorConfig } from '../../orchestrator/config.ts';
import { orchestratorService } from '../../orchestrator/orchestrator.ts';
import { pendingTurnSaves } from '../../orchestrator/pending-turn-saves.ts';
import type { Attempt } from '../../orchestrator/provider-chain.ts';
import { costUsd, priceFor, saveTraces, type TurnTrace } from '../../orchestrator/turn-traces.ts';
import { PROVIDER_NAMES, type ProviderName } from '../../providers/providers.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import type { ChatCompletion } from './openai-schemas.ts';
import { finishReasonOf, openAiUsage, usageOf } from './openai-wire-format.ts';

export type GatewayTarget = { provider: ProviderName; model: string; entries: string[] };

/**
 * `provider/model` → the chain to call: the requested model first, then the configured fallbacks — the other
 * providers of the first routing chain that names this provider (none when no chain names it).
 * @throws model_not_found 404 for an unknown or unconfigured provider
 */
export function gatewayTarget(config: OrchestratorConfig, name: string): GatewayTarget {
  const cut = name.indexOf('/');
  const provider = name.slice(0, cut) as ProviderName;
  const model = name.slice(cut + 1);
  if (cut <= 0 || !model || !PROVIDER_NAMES.includes(provider) || !config.providerSettings[provider].configured) {
    throw notFound(
      'model_not_found',
      `The model "${name}" does not exist or its provider is not configured; GET /v1/models lists the models.`,
    );
  }
  const providerOf = (entry: string) => entry.split(':')[0];
  const chain = chainsOf(config.routing).find((c) => c.some((e) => providerOf(e) === provider)) ?? [];
  return {
    provider,
    model,
    entries: [`${provider}:${model}`, ...new Set(chain.filter((e) => providerOf(e) !== provider))],
  };
}

/** The models a caller can name: `zantara` and each configured provider's models from the config. */
export function gatewayModels(config: OrchestratorConfig): Array<{ id: string; owned_by: string }> {
  const ids = new Map<string, string>();
  for (const p of PROVIDER_NAMES) {
    const settings = config.providerSettings[p];
    if (settings.configured) ids.set(`${p}/${settings.defaultModel}`, p);
  }
  for (const entry of chainsOf(config.routing).flat()) {
    const [p, ...rest] = entry.split(':');
    if (rest.length) ids.set(`${p}/${rest.join(':')}`, p);
  }
  return [...ids].map(([id, owned_by]) => ({ id, owned_by }));
}

/** One gateway call: the chain model to call, and how to record its outcome in the ledger once it is known. */
export type GatewayCall = {
  model: LanguageModelV4;
  target: GatewayTarget;
  /** The provider/model that answered (after fallbacks), once one did. */
  answered(): { provider: string; model: string } | undefined;
  /** Writes the ledger row just after the answer (tracked, so /v1/usage waits for it). */
  record(usage: ReturnType<typeof usageOf>, error?: unknown): void;
};

/** How long ledger rows are gathered before one INSERT writes them all (a single-row insert costs about as much). */
const LEDGER_BATCH_MS = 25;
const ledgerBatches = new WeakMap<Runtime, { add(trace: TurnTrace): void }>();

/**
 * The gateway's ledger writer for a runtime: rows gathered for LEDGER_BATCH_MS, written in one statement after the
 * answers went out; usage reports and the runtime's close wait for a batch in flight.
 */
function ledgerBatch(runtime: Runtime): { add(trace: TurnTrace): void } {
  let batcher = ledgerBatches.get(runtime);
  if (batcher) return batcher;
  let rows: TurnTrace[] | undefined;
  let inFlight = Promise.resolve();
  runtime.onClose(() => inFlight);
  batcher = {
    add(trace) {
      if (rows) {
        rows.push(trace);
        return;
      }
      const batch = (rows = [trace]);
      const saved = new Promise<void>((resolve) => setTimeout(resolve, LEDGER_BATCH_MS))
        .then(() => {
          rows = undefined;
          return saveTraces(runtime.store, batch);
        })
        .catch((error: unknown) =>
          runtime.logger.error({ err: error, rows: batch.length }, 'gateway ledger write failed'),
        );
      inFlight = inFlight.then(() => saved);
      pendingTurnSaves(runtime.store).track(saved, {
        principalId: trace.principal_id,
        conversationId: '',
        channel: 'gateway',
      });
    },
  };
  ledgerBatches.set(runtime, batcher);
  return batcher;
}

export function startGatewayCall(
  runtime: Runtime,
  principal: Principal,
  modelName: string,
  stream = false,
): GatewayCall {
  const orchestrator = runtime.service(orchestratorService);
  const config = orchestrator.config;
  const target = gatewayTarget(config, modelName);
  const started = performance.now();
  const attempts: Attempt[] = [];
  let current: { provider: string; model: string } | undefined;
  // A streamed call is shown to its caller after the chain's held-back characters; a JSON one may fall back throughout.
  const model = orchestrator.chain(
    target.entries,
    (attempt) => {
      attempts.push(attempt);
      if (attempt.outcome === 'ok') current = { provider: attempt.provider, model: attempt.model };
    },
    {
      holdBackChars: stream ? config.agent.stream_hold_back_chars : undefined,
      onAnswering: (answering) => {
        current = answering;
      },
    },
  );
  return {
    model,
    target,
    answered: () => current,
    record(usage, error) {
      const trace: TurnTrace = {
        id: randomUUID(),
        conversation_id: null,
        principal_id: principal.id,
        created_at: runtime.clock.now(),
        route: 'gateway',
        local: false,
        provider: current?.provider,
        model: current?.model,
        attempts,
        ...usage,
        cost_usd: current ? costUsd(priceFor(config.prices, current.provider, current.model), usage) : 0,
        latency_ms: Math.round(performance.now() - started),
        handlers: [],
        tools_offered: [],
        outcome: error ? 'error' : 'ok',
        error: error ? String((error as Error)?.message ?? error).slice(0, 500) : undefined,
        message_text: '',
      };
      ledgerBatch(runtime).add(trace);
    },
  };
}

/** A non-streamed provider answer as a chat.completion. */
export async function generateCompletion(
  call: GatewayCall,
  options: LanguageModelV4CallOptions,
): Promise<ChatCompletion> {
  let result;
  try {
    result = await call.model.doGenerate(options);
  } catch (error) {
    call.record(usageOf(undefined), error);
    throw error;
  }
  const usage = usageOf(result.usage);
  call.record(usage);
  const said = result.content
    .filter((p) => p.type === 'text')
    .map((p) => p.text)
    .join('');
  const toolCalls = result.content
    .filter((p) => p.type === 'tool-call')
    .map((p) => ({ id: p.toolCallId, type: 'function' as const, function: { name: p.toolName, arguments: p.input } }));
  const answered = call.answered();
  return {
    id: `chatcmpl-${result.response?.id ?? randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: answered ? `${answered.provider}/${answered.model}` : `${call.target.provider}/${call.target.model}`,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: said || (toolCalls.length ? null : ''),
          refusal: null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishReasonOf(result.finishReason),
        logprobs: null,
      },
    ],
    usage: openAiUsage(usage),
  };
}

/**
 * A streamed provider answer as chat.completion.chunk objects. The provider stream is opened first (so a chain
 * that fails before its first token is an HTTP error, not a broken stream); `chunks` then yields each event.
 */
export async function streamCompletion(
  call: GatewayCall,
  options: LanguageModelV4CallOptions,
  includeUsage: boolean,
): Promise<AsyncGenerator<Record<string, unknown>>> {
  let opened: Awaited<ReturnType<LanguageModelV4['doStream']>>;
  try {
    opened = await call.model.doStream(options);
  } catch (error) {
    call.record(usageOf(undefined), error);
    throw error;
  }
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const answered = call.answered();
  const modelName = answered
    ? `${answered.provider}/${answered.model}`
    : `${call.target.provider}/${call.target.model}`;
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: modelName,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  async function* chunks(): AsyncGenerator<Record<string, unknown>> {
    const toolIndex = new Map<string, number>();
    let usage = usageOf(undefined);
    let failed: unknown;
    yield chunk({ role: 'assistant', content: '' });
    const reader = opened.stream.getReader();
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        const part: LanguageModelV4StreamPart = next.value;
        if (part.type === 'text-delta') yield chunk({ content: part.delta });
        else if (part.type === 'tool-input-start') {
          toolIndex.set(part.id, toolIndex.size);
          yield chunk({
            tool_calls: [
              {
                index: toolIndex.get(part.id),
                id: part.id,
                type: 'function',
                function: { name: part.toolName, arguments: '' },
              },
            ],
          });
        } else if (part.type === 'tool-input-delta') {
          yield chunk({ tool_calls: [{ index: toolIndex.get(part.id) ?? 0, function: { arguments: part.delta } }] });
        } else if (part.type === 'tool-call' && !toolIndex.has(part.toolCallId)) {
          toolIndex.set(part.toolCallId, toolIndex.size);
          yield chunk({
            tool_calls: [
              {
                index: toolIndex.get(part.toolCallId),
                id: part.toolCallId,
                type: 'function',
                function: { name: part.toolName, arguments: part.input },
              },
            ],
          });
        } else if (part.type === 'finish') {
          usage = usageOf(part.usage);
          yield chunk(
            {},
            toolIndex.size && part.finishReason.unified !== 'length' ? 'tool_calls' : finishReasonOf(part.finishReason),
          );
        } else if (part.type === 'error') {
          failed = part.error;
          throw part.error;
        }
      }
      if (includeUsage)
        yield {
          id,
          object: 'chat.completion.chunk',
          created,
          model: modelName,
          choices: [],
          usage: openAiUsage(usage),
        };
    } finally {
      reader.releaseLock();
      call.record(usage, failed);
    }
  }
  return chunks();
}
