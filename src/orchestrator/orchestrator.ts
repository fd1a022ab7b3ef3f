/**
 * One chat turn: conversation → local tier → route → provider chain → agent loop (tool selection, model, parallel
 * handler calls, approvals) → answer, stored with its trace. The local tier and tool selection are injectable
 * (tests, benchmarks); everything else comes from the config file and the environment.
 */
import { randomUUID } from 'node:crypto';
import { generateText, wrapLanguageModel, type ModelMessage } from 'ai';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { Principal } from '../auth/principal.ts';
import { invalidParams, ZantaraError } from '../errors.ts';
import type { AnyHandler } from '../handlers/handler.ts';
import { createProviderModel, type ProviderName } from '../providers/providers.ts';
import { TextProtocolError, textProtocolMiddleware } from '../providers/text-protocol.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { defineService } from '../runtime/service.ts';
import { runAgentLoop, type ToolRecord } from './agent-loop.ts';
import { activeToolNames, buildAgentTools } from './agent-tools.ts';
import type { ChatTurnRequest, ChatTurnResult, PendingAction } from './chat-types.ts';
import { loadOrchestratorConfig, QUERY_CLASSES, type OrchestratorConfig, type QueryClass } from './config.ts';
import { Conversations, type StoredMessage } from './conversations.ts';
import { findingsSection, noModelMessage as defaultNoModelMessage, tryLocalAnswer as defaultTryLocalAnswer, type LocalVerdict } from './local-tier/local-tier.ts';
import { createOrchestratorMetrics, type OrchestratorMetrics } from './orchestrator-metrics.ts';
import { personaPrompt } from './persona.ts';
import { sourcesFromRagResults } from '../rag/citations.ts';
import { pendingTurnSaves } from './pending-turn-saves.ts';
import { createChainModel, CooldownTracker, type Attempt, type ChainLink } from './provider-chain.ts';
import { classifyQuery, decideRoute, type RouteDecision } from './routing.ts';
import { selectTools as defaultSelectTools } from './tool-selection/select-tools.ts';
import { turnHooks as defaultTurnHooks, type Source, type TurnHook } from './turn-hooks.ts';
import { costUsd, priceFor, saveTurn, type HandlerTrace, type TurnMessage, type TurnTrace } from './turn-traces.ts';

/** What a turn streams to its caller (SSE, CLI). */
export type ChatEvent =
  | { type: 'token'; text: string }
  | { type: 'handler'; phase: 'started' | 'finished'; key: string; ok?: boolean; outcome?: string }
  | { type: 'pending_action'; action: PendingAction }
  | { type: 'done'; result: ChatTurnResult }
  | { type: 'error'; error: string; message: string };

export type TurnOptions = { onEvent?: (event: ChatEvent) => void; signal?: AbortSignal; requestId?: string };

export type OrchestratorOptions = {
  /** A resolved config (tests); defaults to `loadOrchestratorConfig(runtime.env)`. */
  config?: OrchestratorConfig;
  selectTools?: typeof defaultSelectTools;
  tryLocalAnswer?: typeof defaultTryLocalAnswer;
  noModelMessage?: typeof defaultNoModelMessage;
  hooks?: TurnHook[];
  /** The fetch the provider clients use (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /** Builds the language model for a provider and model id instead of the provider packages (benchmarks, tests). */
  modelFactory?: (provider: string, model: string) => LanguageModelV4;
};

export const MAX_MESSAGE_CHARS = 8000;
/** Channels where a chat has no conversation id: a message continues the sender's recent conversation by default. */
const MESSAGING_CHANNELS = new Set(['whatsapp', 'instagram', 'telegram', 'sms']);
/** What a turn says when the model only proposed actions and wrote no text. */
const PENDING_ONLY_ANSWER: Record<string, string> = {
  en: 'I have prepared the action below; it will run once it is approved.',
  it: "Ho preparato l'azione qui sotto; verrà eseguita dopo l'approvazione.",
  id: 'Saya sudah menyiapkan tindakan di bawah ini; tindakan akan dijalankan setelah disetujui.',
};
/** Older messages are folded into the summary this many at a time. */
const SUMMARY_BATCH = 4;
/** Handlers a model is never offered: the chat itself (no recursion). */
const NEVER_OFFERED = new Set(['ai.chat']);

export class Orchestrator {
  readonly #runtime: Runtime;
  #options: OrchestratorOptions = {};
  #config?: OrchestratorConfig;
  #models = new Map<string, LanguageModelV4>();
  #cooldown?: CooldownTracker;
  readonly #metrics: OrchestratorMetrics;
  /** After-answer work (the turn's save, turn hooks, summary) per conversation, run after the answer is returned. */
  readonly #background = new Map<string, Promise<void>>();

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
    this.#metrics = createOrchestratorMetrics(runtime.metrics);
    runtime.onClose(() => this.idle());
  }

  /** Resolves when every turn's after-answer work (its save, hooks, summaries) has finished. */
  async idle(): Promise<void> {
    while (this.#background.size) await Promise.all(this.#background.values());
  }

  #inBackground(conversationId: string, work: () => Promise<void>): void {
    const previous = this.#background.get(conversationId) ?? Promise.resolve();
    const next: Promise<void> = previous.then(work).catch((error: unknown) => this.#runtime.logger.warn({ err: error }, 'after-turn work failed'))
      .finally(() => { if (this.#background.get(conversationId) === next) this.#background.delete(conversationId); });
    this.#background.set(conversationId, next);
  }

  /**
   * Stores a finished turn (messages, trace, a new conversation's row) just after its answer is returned: the save
   * starts a macrotask later, once the caller has the result. Until it is stored, every read of the principal's
   * conversations in this process waits for it (`pendingTurnSaves`), and `idle()` (so the runtime's close) waits for
   * it. A failed save is logged and counted (`zantara_chat_turn_save_failures_total`); the answer was already given.
   */
  #saveAfterAnswer(input: Parameters<typeof saveTurn>[1], channel: string): Promise<void> {
    const { store, logger } = this.#runtime;
    const saved = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => saveTurn(store, input))
      .catch((error: unknown) => {
        this.#metrics.saveFailed();
        logger.error({ err: error, conversation_id: input.conversationId, turn_id: input.trace.id }, 'turn save failed: the turn was answered but is not stored');
      });
    pendingTurnSaves(store).track(saved, { principalId: input.principalId, conversationId: input.conversationId, channel });
    return saved;
  }

  /** Replaces options (local tier, tool selection, config…); clears cached models and cooldowns. */
  configure(options: OrchestratorOptions): this {
    this.#options = { ...this.#options, ...options };
    this.#config = undefined;
    this.#models.clear();
    this.#cooldown = undefined;
    return this;
  }

  get config(): OrchestratorConfig {
    this.#config ??= this.#options.config ?? loadOrchestratorConfig(this.#runtime.env);
    return this.#config;
  }

  /** The tool selection in use (also used by the system.handlers.search handler). */
  get selectTools(): typeof defaultSelectTools {
    return this.#options.selectTools ?? defaultSelectTools;
  }

  get cooldown(): CooldownTracker {
    this.#cooldown ??= new CooldownTracker(this.#runtime.clock, { failures: this.config.cooldown.failures, cooldownMs: this.config.cooldown.seconds * 1000 });
    return this.#cooldown;
  }

  /** The provider model for a chain entry (`provider` or `provider:model`), with the text protocol when configured. */
  link(entry: string): ChainLink {
    const [provider, ...rest] = entry.split(':');
    const settings = this.config.providerSettings[provider as ProviderName];
    const model = rest.length ? rest.join(':') : settings.defaultModel;
    const cacheKey = `${provider}:${model}`;
    let languageModel = this.#models.get(cacheKey);
    if (!languageModel) {
      const base = this.#options.modelFactory?.(provider, model) ?? createProviderModel(settings, model, { fetch: this.#options.fetch });
      languageModel = settings.protocol === 'text' ? wrapLanguageModel({ model: base, middleware: textProtocolMiddleware() }) as LanguageModelV4 : base;
      this.#models.set(cacheKey, languageModel);
    }
    return { provider, model, languageModel };
  }

  chain(entries: string[], onAttempt: (attempt: Attempt) => void): LanguageModelV4 {
    return createChainModel(entries.map((e) => this.link(e)), { cooldown: this.cooldown, firstTokenTimeoutMs: this.config.agent.first_token_timeout_ms, onAttempt });
  }

  async runTurn(principal: Principal, request: ChatTurnRequest, options: TurnOptions = {}): Promise<ChatTurnResult> {
    const runtime = this.#runtime;
    const started = performance.now();
    const createdAt = runtime.clock.now();
    const emit = (event: ChatEvent) => { try { options.onEvent?.(event); } catch { /* a broken listener does not break the turn */ } };
    const message = typeof request.message === 'string' ? request.message.trim() : '';
    if (!message) throw invalidParams([{ path: 'message', message: 'A non-empty message is required.' }]);
    if (message.length > MAX_MESSAGE_CHARS) throw invalidParams([{ path: 'message', message: `At most ${MAX_MESSAGE_CHARS} characters.` }]);
    const config = this.config;
    const conversations = new Conversations(runtime.store, () => runtime.clock.now());
    const conversation = await conversations.open(principal, request.conversation_id, request.channel ?? 'api', message,
      (request.continue_recent ?? MESSAGING_CHANNELS.has(request.channel ?? 'api')) ? { activeSince: new Date(runtime.clock.now().getTime() - config.conversation.resume_hours * 3_600_000) } : undefined);
    const newConversation = conversation.created ? { channel: conversation.channel, title: conversation.title ?? '' } : undefined;
    // Work left over from this conversation's previous turn (hooks, summary) finishes before its history is read.
    if (!conversation.created) await this.#background.get(conversation.id);
    const turnId = randomUUID();
    let overflowBefore = 0;
    const requestId = options.requestId ?? turnId;

    const trace: TurnTrace = {
      id: turnId, conversation_id: conversation.id, principal_id: principal.id, created_at: createdAt, route: 'local', local: false,
      attempts: [], input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, cost_usd: 0, latency_ms: 0, handlers: [], tools_offered: [],
      outcome: 'ok', message_text: message,
    };
    const finishTurn = async (response: string, extra: Partial<ChatTurnResult> & Pick<ChatTurnResult, 'model' | 'provider' | 'route' | 'local'>,
      pending: PendingAction[], handlersUsed: string[], toolRecords: ToolRecord[] = []): Promise<ChatTurnResult> => {
      trace.latency_ms = Math.round(performance.now() - started);
      const messages: TurnMessage[] = [{ role: 'user', content: message },
        ...toolRecords.map((record): TurnMessage => ({ role: 'tool', content: JSON.stringify(record.output ?? record.error ?? null).slice(0, 20_000),
          parts: { turn_id: turnId, tool_call_id: record.tool_call_id, key: record.key, input: record.input, ...(record.error ? { error: record.error } : {}) } })),
        { role: 'assistant', content: response, parts: { turn_id: turnId, model: extra.model, provider: extra.provider, pending_actions: pending.map((p) => p.id) } }];
      const saved = this.#saveAfterAnswer({ conversationId: conversation.id, principalId: principal.id, at: runtime.clock.now(), messages, trace, newConversation },
        conversation.channel);
      this.#metrics.turn(trace);
      const result: ChatTurnResult = {
        response, model: extra.model, provider: extra.provider, route: extra.route, handlers_used: handlersUsed, pending_actions: pending,
        usage: { input_tokens: trace.input_tokens, cached_input_tokens: trace.cached_input_tokens, output_tokens: trace.output_tokens },
        cost_usd: Math.round(trace.cost_usd * 1e8) / 1e8, conversation_id: conversation.id, turn_id: turnId, latency_ms: trace.latency_ms, local: extra.local,
      };
      if (extra.sources?.length) result.sources = extra.sources;
      this.#inBackground(conversation.id, async () => {
        await saved;
        await this.#afterTurn(principal, conversation.id, message, result, overflowBefore);
      });
      return result;
    };

    // 1. The local tier: zero model calls when it is confident.
    const tryLocal = this.#options.tryLocalAnswer ?? defaultTryLocalAnswer;
    let verdict: LocalVerdict;
    try {
      // A follow-up ("and for 2 years?") is read against this conversation's earlier messages and the stored language.
      const localContext = conversation.created ? {} : await conversations.localContext(conversation, principal.id);
      verdict = await tryLocal(runtime, principal, message, localContext);
    } catch (error) {
      // A broken local tier must not take the chat down: the model route answers instead.
      runtime.logger.error({ err: error }, 'local tier failed');
      verdict = { status: 'escalate', reason: 'unsupported', language: 'en' };
    }
    if (verdict.status === 'answered') {
      trace.local = true;
      trace.route = 'local';
      trace.handlers = verdict.handlers_used.map((key) => ({ key, duration_ms: 0, outcome: 'ok' as const }));
      emit({ type: 'token', text: verdict.response });
      return finishTurn(verdict.response, { model: 'zantara-local', provider: 'local', route: 'local', local: true }, [], verdict.handlers_used);
    }

    // 2. The route.
    const decision: RouteDecision = await decideRoute(config, principal.id, message, (m) => this.#classifyWithModel(m));
    trace.route = decision.route;
    trace.query_class = decision.queryClass ?? classifyQuery(message);
    trace.ab_arm = decision.abArm;
    if (decision.chain.length === 0) {
      const text = (this.#options.noModelMessage ?? defaultNoModelMessage)(verdict.language);
      trace.local = true;
      emit({ type: 'token', text });
      return finishTurn(text, { model: 'zantara-local', provider: 'local', route: decision.route, local: true }, [], []);
    }

    // 3. The prompt: persona, hook sections, summary, recent messages.
    const sections: string[] = [];
    const sources: Source[] = [];
    for (const hook of this.#options.hooks ?? defaultTurnHooks) {
      if (!hook.beforeTurn) continue;
      try {
        // A hook may also return `sources` (document passages it put in the prompt); they are passed on to the result.
        const added = await hook.beforeTurn({ runtime, principal, conversationId: conversation.id, message, language: verdict.language }) as
          { system?: string; sources?: Source[] } | undefined;
        if (added?.system) sections.push(added.system);
        if (Array.isArray(added?.sources)) sources.push(...added.sources);
      } catch (error) {
        runtime.logger.warn({ err: error, hook: hook.name }, 'beforeTurn hook failed');
      }
    }
    if (conversation.summary) sections.push(`Summary of the earlier conversation:\n${conversation.summary}`);
    // What the local tier found before handing over, so the model starts from the same facts (quoted data).
    if (verdict.status === 'escalate' && verdict.findings) sections.push(findingsSection(verdict.findings));
    // A new conversation has no history: no query needed.
    const { recent, overflow } = conversation.created ? { recent: [], overflow: [] } : await conversations.window(conversation, config.conversation.history_token_budget);
    overflowBefore = overflow.length;
    const messages: ModelMessage[] = [...recent.map(toModelMessage), { role: 'user', content: message }];

    // 4. Tools: the top-k relevant handlers plus the pinned ones; the rest stay inactive until searched for.
    const allowed = runtime.registry.listForModel(principal).filter((h) => !NEVER_OFFERED.has(h.key));
    let selected: AnyHandler[];
    try {
      selected = this.selectTools(allowed, message, { k: config.agent.tools_k, pinned: config.agent.pinned_tools });
    } catch (error) {
      runtime.logger.error({ err: error }, 'tool selection failed; offering the pinned handlers only');
      selected = allowed.filter((h) => config.agent.pinned_tools.includes(h.key));
    }
    const offered = new Set(selected.map((h) => h.key).filter((k) => allowed.some((h) => h.key === k)));
    const pending: PendingAction[] = [];
    const handlerTraces: HandlerTrace[] = [];
    const tools = buildAgentTools({
      runtime, principal, requestId, handlers: allowed, offered, autoApprove: config.approvals.auto_approve,
      approvalExpiryMs: config.approvals.expiry_minutes * 60_000, turnId, conversationId: conversation.id, signal: options.signal,
      onEvent: (e) => emit({ type: 'handler', ...e }),
      onTrace: (t) => handlerTraces.push(t),
      onPending: (action) => { pending.push(action); emit({ type: 'pending_action', action }); },
    });
    trace.tools_offered = [...offered];

    // 5. The agent loop on the route's chain.
    let current: { provider: string; model: string } | undefined;
    const model = this.chain(decision.chain, (attempt) => {
      trace.attempts.push(attempt);
      this.#metrics.attempt(attempt);
      if (attempt.outcome === 'ok') current = { provider: attempt.provider, model: attempt.model };
    });
    let response = '';
    let toolRecords: ToolRecord[] = [];
    try {
      ({ text: response, toolRecords } = await runAgentLoop({
        model,
        instructions: personaPrompt({ now: runtime.clock.now(), principal, sections }),
        messages,
        tools,
        activeTools: () => activeToolNames(offered, allowed),
        maxSteps: config.agent.max_steps,
        toolConcurrency: config.agent.tool_concurrency,
        maxOutputTokens: config.agent.max_output_tokens,
        signal: options.signal,
        onText: options.onEvent ? (text) => emit({ type: 'token', text }) : undefined,
        onStepUsage: (usage) => {
          trace.input_tokens += usage.input_tokens;
          trace.cached_input_tokens += usage.cached_input_tokens;
          trace.output_tokens += usage.output_tokens;
          if (current) trace.cost_usd += costUsd(priceFor(config.prices, current.provider, current.model), usage);
        },
      }));
    } catch (error) {
      trace.outcome = 'error';
      trace.handlers = handlerTraces;
      trace.provider = current?.provider;
      trace.model = current?.model;
      trace.error = String((error as Error)?.message ?? error).slice(0, 500);
      trace.latency_ms = Math.round(performance.now() - started);
      await saveTurn(runtime.store, { conversationId: conversation.id, principalId: principal.id, at: runtime.clock.now(), messages: [{ role: 'user', content: message }], trace, newConversation })
        .catch((e: unknown) => { this.#metrics.saveFailed(); runtime.logger.error({ err: e, turn_id: turnId }, 'turn save failed'); });
      this.#metrics.turn(trace);
      throw turnError(error);
    }
    trace.handlers = handlerTraces;
    trace.provider = current?.provider;
    trace.model = current?.model;
    if (!response.trim()) {
      response = pending.length
        ? PENDING_ONLY_ANSWER[verdict.language] ?? PENDING_ONLY_ANSWER.en
        // The local tier's hand-over message carries the team's contacts from the knowledge files, in the user's language.
        : (this.#options.noModelMessage ?? defaultNoModelMessage)(verdict.language);
      emit({ type: 'token', text: response });
    }
    // Document search results the model used become the answer's sources (next to those the hooks added).
    for (const source of sourcesFromRagResults(toolRecords.filter((r) => r.key.startsWith('rag.') && r.output !== undefined).map((r) => r.output))) {
      if (!sources.some((s) => s.source === source.source && s.heading === source.heading)) sources.push(source);
    }
    const handlersUsed = [...new Set(handlerTraces.filter((h) => h.outcome === 'ok' || h.outcome === 'pending_approval').map((h) => h.key))];
    return finishTurn(response, { model: current?.model ?? 'unknown', provider: current?.provider ?? 'unknown', route: decision.route, local: false, sources },
      pending, handlersUsed, toolRecords);
  }

  /** The `classifier: model` option: the cheapest chain (the knowledge class's) answers with one class name. */
  async #classifyWithModel(message: string): Promise<QueryClass> {
    const policy = this.config.routing;
    if (policy.mode !== 'classify') return classifyQuery(message);
    try {
      const { text } = await generateText({
        model: this.chain(policy.classes.knowledge, () => undefined),
        instructions: `Classify the user's request into exactly one of: ${QUERY_CLASSES.join(', ')}. Reply with the class name only.`,
        prompt: message,
        maxRetries: 0,
        maxOutputTokens: 10,
      });
      const found = QUERY_CLASSES.find((c) => text.toLowerCase().includes(c));
      return found ?? classifyQuery(message);
    } catch {
      return classifyQuery(message);
    }
  }

  async #afterTurn(principal: Principal, conversationId: string, message: string, result: ChatTurnResult, overflowBefore: number): Promise<void> {
    const runtime = this.#runtime;
    for (const hook of this.#options.hooks ?? defaultTurnHooks) {
      if (!hook.afterTurn) continue;
      try {
        await hook.afterTurn({ runtime, principal, conversationId, message, response: result.response, turnId: result.turn_id, handlersUsed: result.handlers_used });
      } catch (error) {
        runtime.logger.warn({ err: error, hook: hook.name }, 'afterTurn hook failed');
      }
    }
    // This turn added two messages to the window, so at most two more fell out of it: no need to look before 4 are due.
    if (this.config.conversation.summarize && overflowBefore + 2 >= SUMMARY_BATCH) {
      await this.#summarize(principal, conversationId).catch((error: unknown) => runtime.logger.warn({ err: error }, 'conversation summary failed'));
    }
  }

  /** Folds messages that fell out of the window into the rolling summary (by the model when one is configured). */
  async #summarize(principal: Principal, conversationId: string): Promise<void> {
    const conversations = new Conversations(this.#runtime.store, () => this.#runtime.clock.now());
    const conversation = await conversations.get(principal, conversationId);
    const { overflow } = await conversations.window(conversation, this.config.conversation.history_token_budget);
    if (overflow.length < SUMMARY_BATCH) return;
    const transcript = overflow.map((m) => `${m.role}: ${m.content}`).join('\n').slice(0, 12_000);
    let summary: string | undefined;
    const decision = await decideRoute(this.config, principal.id, transcript);
    if (decision.chain.length) {
      try {
        const { text } = await generateText({
          model: this.chain(decision.chain, () => undefined),
          instructions: 'Summarise this conversation between a Bali Zero client and ZANTARA in at most 8 short lines: who the user is, what they want, facts and decisions. Keep the user\'s language.',
          prompt: `${conversation.summary ? `Earlier summary:\n${conversation.summary}\n\n` : ''}${transcript}`,
          maxRetries: 0,
          maxOutputTokens: 400,
        });
        summary = text.trim() || undefined;
      } catch {
        summary = undefined;
      }
    }
    summary ??= [conversation.summary, ...overflow.map((m) => `${m.role}: ${m.content.replace(/\s+/g, ' ').slice(0, 160)}`)].filter(Boolean).join('\n').slice(-4000);
    await conversations.setSummary(conversationId, summary, overflow[overflow.length - 1].id);
  }
}

function toModelMessage(m: StoredMessage): ModelMessage {
  return m.role === 'assistant' ? { role: 'assistant', content: m.content } : { role: 'user', content: m.content };
}

/** Errors of a turn as the API shows them. */
function turnError(error: unknown): unknown {
  if (ZantaraError.isInstance(error)) return error;
  if (TextProtocolError.isInstance(error)) return new ZantaraError('model_output_invalid', error.message, { status: 502, cause: error, expose: true });
  const name = (error as Error)?.name;
  if (name === 'AbortError') return new ZantaraError('cancelled', 'The request was cancelled.', { status: 499, cause: error, expose: true });
  // The provider's own text may carry keys or internals: clients get a generic message, staff read it in the trace.
  return new ZantaraError('model_error', 'The model provider failed. Please try again later or contact the Bali Zero team.',
    { status: 502, cause: error, expose: true });
}

export const orchestratorService = defineService('orchestrator', (runtime) => new Orchestrator(runtime));
