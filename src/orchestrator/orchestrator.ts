/**
 * One chat turn: conversation → local tier → route → prompt → tools → provider chain and agent loop (model, parallel
 * handler calls, approvals) → the turn (question, answer, trace) stored in one statement → returned. A caller is only
 * ever given an answer that is stored. The local tier and tool selection are injectable (tests, benchmarks);
 * everything else comes from the config file and the environment.
 */
import { randomUUID } from 'node:crypto';
import { generateText, wrapLanguageModel } from 'ai';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { Principal } from '../auth/principal.ts';
import { invalidParams, ZantaraError } from '../errors.ts';
import { createProviderModel, type ProviderName } from '../providers/providers.ts';
import { textProtocolMiddleware } from './text-protocol.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { defineService } from '../runtime/service.ts';
import { sourcesFromRagResults, type Source } from '../rag/citations.ts';
import { runAgentLoop, type ToolRecord } from './agent-loop.ts';
import type { ChatTurnRequest, ChatTurnResult, PendingAction } from '../runtime/chat-turn.ts';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.ts';
import {
  loadOrchestratorConfig,
  QUERY_CLASSES,
  timeoutsFor,
  type OrchestratorConfig,
  type QueryClass,
} from './config.ts';
import { SUMMARY_BATCH, summarizeConversation } from './conversation-summary.ts';
import { Conversations, type Conversation } from './conversations.ts';
import type { Language } from '../text/language.ts';
import {
  findingsSection,
  noModelMessage as defaultNoModelMessage,
  tryLocalAnswer as defaultTryLocalAnswer,
  type LocalVerdict,
} from './local-tier/local-tier.ts';
import { createOrchestratorMetrics, type OrchestratorMetrics } from './orchestrator-metrics.ts';
import { personaPrompt } from './persona.ts';
import { createChainModel, type Attempt, type ChainLink, type ChainOptions } from './provider-chain.ts';
import { classifyQuery, decideRoute, type RouteDecision } from './routing.ts';
import { selectTools as defaultSelectTools } from './tool-selection/select-tools.ts';
import { turnError, turnNotSaved } from './turn-error.ts';
import { turnHooks as defaultTurnHooks } from './turn-hook-list.ts';
import type { TurnHook } from './turn-hooks.ts';
import { buildTurnPrompt, type TurnPrompt } from './turn-prompt.ts';
import { offerTurnTools, type TurnTools } from './turn-tools.ts';
import { costUsd, priceFor, saveTurn, type TurnMessage, type TurnTrace } from './turn-traces.ts';

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

/** One turn in progress: who asked what, in which conversation, and its trace as it fills in. */
type Turn = {
  id: string;
  principal: Principal;
  message: string;
  conversation: Conversation & { created: boolean };
  newConversation?: { channel: string; title: string };
  trace: TurnTrace;
  started: number;
  requestId: string;
  emit(event: ChatEvent): void;
  /** Messages that had fallen out of the history window before this turn (the summary's trigger). */
  overflowBefore: number;
};

type Answer = {
  response: string;
  model: string;
  provider: string;
  route: string;
  local: boolean;
  pending: PendingAction[];
  handlersUsed: string[];
  toolRecords?: ToolRecord[];
  sources?: Source[];
};

export class Orchestrator {
  readonly #runtime: Runtime;
  #options: OrchestratorOptions = {};
  #config?: OrchestratorConfig;
  #models = new Map<string, LanguageModelV4>();
  #breaker?: CircuitBreaker;
  readonly #metrics: OrchestratorMetrics;
  /** After-answer work (turn hooks, summary) per conversation, run after the answer is returned. */
  readonly #background = new Map<string, Promise<void>>();

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
    this.#metrics = createOrchestratorMetrics(runtime.metrics, () => this.circuitStates());
    runtime.onClose(() => this.idle());
  }

  /** Resolves when every turn's after-answer work (hooks, summaries) has finished. */
  async idle(): Promise<void> {
    while (this.#background.size) await Promise.all(this.#background.values());
  }

  #inBackground(conversationId: string, work: () => Promise<void>): void {
    const previous = this.#background.get(conversationId) ?? Promise.resolve();
    const next: Promise<void> = previous
      .then(work)
      .catch((error: unknown) => this.#runtime.logger.warn({ err: error }, 'after-turn work failed'))
      .finally(() => {
        if (this.#background.get(conversationId) === next) this.#background.delete(conversationId);
      });
    this.#background.set(conversationId, next);
  }

  /** Replaces options (local tier, tool selection, config…); clears cached models and circuit breakers. */
  configure(options: OrchestratorOptions): this {
    this.#options = { ...this.#options, ...options };
    this.#config = undefined;
    this.#models.clear();
    this.#breaker = undefined;
    return this;
  }

  get config(): OrchestratorConfig {
    this.#config ??= this.#options.config ?? loadOrchestratorConfig(this.#runtime.env);
    return this.#config;
  }

  /** What is wrong with the orchestrator's config (file, routes naming providers without credentials), or undefined. */
  configProblem(): string | undefined {
    try {
      void this.config;
      return undefined;
    } catch (error) {
      return ZantaraError.isInstance(error) ? error.message : String((error as Error)?.message ?? error);
    }
  }

  /** The tool selection in use (also used by the system.handlers.search handler). */
  get selectTools(): typeof defaultSelectTools {
    return this.#options.selectTools ?? defaultSelectTools;
  }

  get breaker(): CircuitBreaker {
    this.#breaker ??= new CircuitBreaker(this.#runtime.clock, {
      failures: this.config.cooldown.failures,
      cooldownMs: this.config.cooldown.seconds * 1000,
    });
    return this.#breaker;
  }

  /** Providers whose circuit is not closed (metrics, /ready); empty before the config is loaded. */
  circuitStates(): Record<string, CircuitState> {
    return this.#breaker?.states() ?? {};
  }

  /** The provider model for a chain entry (`provider` or `provider:model`), with the text protocol when configured. */
  link(entry: string): ChainLink {
    const [provider, ...rest] = entry.split(':');
    const settings = this.config.providerSettings[provider as ProviderName];
    const model = rest.length ? rest.join(':') : settings.defaultModel;
    const cacheKey = `${provider}:${model}`;
    let languageModel = this.#models.get(cacheKey);
    if (!languageModel) {
      const base =
        this.#options.modelFactory?.(provider, model) ??
        createProviderModel(settings, model, { fetch: this.#options.fetch });
      languageModel =
        settings.protocol === 'text'
          ? (wrapLanguageModel({ model: base, middleware: textProtocolMiddleware() }) as LanguageModelV4)
          : base;
      this.#models.set(cacheKey, languageModel);
    }
    return { provider, model, languageModel, timeouts: timeoutsFor(this.config, provider) };
  }

  /**
   * The chain as one model. `holdBackChars`: finite for a caller that is shown text as it streams (see
   * provider-chain.ts); by default the whole call may fall back. `onAnswering`: the provider whose stream is handed on.
   */
  chain(
    entries: string[],
    onAttempt: (attempt: Attempt) => void,
    options: { holdBackChars?: number; onAnswering?: ChainOptions['onAnswering'] } = {},
  ): LanguageModelV4 {
    return createChainModel(
      entries.map((e) => this.link(e)),
      {
        breaker: this.breaker,
        holdBackChars: options.holdBackChars ?? Number.POSITIVE_INFINITY,
        onAttempt,
        onAnswering: options.onAnswering,
      },
    );
  }

  async runTurn(principal: Principal, request: ChatTurnRequest, options: TurnOptions = {}): Promise<ChatTurnResult> {
    const turn = await this.#openTurn(principal, request, options);
    // 1. The local tier: zero model calls when it is confident.
    const verdict = await this.#localVerdict(turn);
    if (verdict.status === 'answered') {
      turn.trace.local = true;
      turn.trace.handlers = verdict.handlers_used.map((key) => ({ key, duration_ms: 0, outcome: 'ok' as const }));
      turn.emit({ type: 'token', text: verdict.response });
      return this.#saveWhole(turn, {
        response: verdict.response,
        model: 'zantara-local',
        provider: 'local',
        route: 'local',
        local: true,
        pending: [],
        handlersUsed: verdict.handlers_used,
      });
    }
    // 2. The route.
    const decision: RouteDecision = await decideRoute(this.config, principal.id, turn.message, (m) =>
      this.#classifyWithModel(m),
    );
    turn.trace.route = decision.route;
    turn.trace.query_class = decision.queryClass ?? classifyQuery(turn.message);
    turn.trace.ab_arm = decision.abArm;
    if (decision.chain.length === 0) {
      const text = (this.#options.noModelMessage ?? defaultNoModelMessage)(verdict.language);
      turn.trace.local = true;
      turn.emit({ type: 'token', text });
      return this.#saveWhole(turn, {
        response: text,
        model: 'zantara-local',
        provider: 'local',
        route: decision.route,
        local: true,
        pending: [],
        handlersUsed: [],
      });
    }
    // 3. The prompt and 4. the tools.
    const prompt = await buildTurnPrompt({
      runtime: this.#runtime,
      principal,
      hooks: this.#options.hooks ?? defaultTurnHooks,
      conversations: new Conversations(this.#runtime.store, () => this.#runtime.clock.now()),
      conversation: turn.conversation,
      message: turn.message,
      language: verdict.language,
      historyBudget: this.config.conversation.history_token_budget,
      // What the local tier found before handing over, so the model starts from the same facts (quoted data).
      findings: verdict.status === 'escalate' && verdict.findings ? findingsSection(verdict.findings) : undefined,
    });
    turn.overflowBefore = prompt.overflowBefore;
    const tools = offerTurnTools({
      runtime: this.#runtime,
      principal,
      config: this.config,
      selectTools: this.selectTools,
      message: turn.message,
      requestId: turn.requestId,
      turnId: turn.id,
      conversationId: turn.conversation.id,
      signal: options.signal,
      onHandler: (e) => turn.emit({ type: 'handler', ...e }),
      onPending: (action) => turn.emit({ type: 'pending_action', action }),
    });
    turn.trace.tools_offered = [...tools.offered];
    // 5. The agent loop on the route's chain; 6. the turn stored, then returned.
    const answer = await this.#answerWithModel(turn, decision, prompt, tools, verdict.language, options);
    return this.#saveWhole(turn, answer);
  }

  async #openTurn(principal: Principal, request: ChatTurnRequest, options: TurnOptions): Promise<Turn> {
    const runtime = this.#runtime;
    const started = performance.now();
    const createdAt = runtime.clock.now();
    const message = typeof request.message === 'string' ? request.message.trim() : '';
    if (!message) throw invalidParams([{ path: 'message', message: 'A non-empty message is required.' }]);
    if (message.length > MAX_MESSAGE_CHARS)
      throw invalidParams([{ path: 'message', message: `At most ${MAX_MESSAGE_CHARS} characters.` }]);
    const channel = request.channel ?? 'api';
    const resume =
      (request.continue_recent ?? MESSAGING_CHANNELS.has(channel))
        ? { activeSince: new Date(createdAt.getTime() - this.config.conversation.resume_hours * 3_600_000) }
        : undefined;
    const conversation = await new Conversations(runtime.store, () => runtime.clock.now()).open(
      principal,
      request.conversation_id,
      channel,
      message,
      resume,
    );
    // Work left over from this conversation's previous turn (hooks, summary) finishes before its history is read.
    if (!conversation.created) await this.#background.get(conversation.id);
    const id = randomUUID();
    const listener = options.onEvent;
    return {
      id,
      principal,
      message,
      conversation,
      started,
      overflowBefore: 0,
      requestId: options.requestId ?? id,
      newConversation: conversation.created
        ? { channel: conversation.channel, title: conversation.title ?? '' }
        : undefined,
      trace: {
        id,
        conversation_id: conversation.id,
        principal_id: principal.id,
        created_at: createdAt,
        route: 'local',
        local: false,
        attempts: [],
        input_tokens: 0,
        cached_input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
        latency_ms: 0,
        handlers: [],
        tools_offered: [],
        outcome: 'ok',
        message_text: message,
      },
      emit: (event) => {
        try {
          listener?.(event);
        } catch {
          /* a broken listener does not break the turn */
        }
      },
    };
  }

  async #localVerdict(turn: Turn): Promise<LocalVerdict> {
    try {
      // A follow-up ("and for 2 years?") is read against this conversation's earlier messages and the stored language.
      const localContext = turn.conversation.created
        ? {}
        : await new Conversations(this.#runtime.store, () => this.#runtime.clock.now()).localContext(
            turn.conversation,
            turn.principal.id,
          );
      return await (this.#options.tryLocalAnswer ?? defaultTryLocalAnswer)(
        this.#runtime,
        turn.principal,
        turn.message,
        localContext,
      );
    } catch (error) {
      // A broken local tier must not take the chat down: the model route answers instead.
      this.#runtime.logger.error({ err: error }, 'local tier failed');
      return { status: 'escalate', reason: 'unsupported', language: 'en' };
    }
  }

  async #answerWithModel(
    turn: Turn,
    decision: RouteDecision,
    prompt: TurnPrompt,
    tools: TurnTools,
    language: Language,
    options: TurnOptions,
  ): Promise<Answer> {
    const runtime = this.#runtime;
    const config = this.config;
    const { trace } = turn;
    let current: { provider: string; model: string } | undefined;
    const onAttempt = (attempt: Attempt) => {
      trace.attempts.push(attempt);
      this.#metrics.attempt(attempt);
      if (attempt.outcome === 'ok') current = { provider: attempt.provider, model: attempt.model };
    };
    const streaming = Boolean(options.onEvent);
    const model = this.chain(decision.chain, onAttempt, {
      holdBackChars: streaming ? config.agent.stream_hold_back_chars : undefined,
    });
    let response = '';
    let toolRecords: ToolRecord[] = [];
    try {
      ({ text: response, toolRecords } = await runAgentLoop({
        model,
        instructions: personaPrompt({ now: runtime.clock.now(), principal: turn.principal, sections: prompt.sections }),
        messages: prompt.messages,
        tools: tools.tools,
        activeTools: tools.activeTools,
        maxSteps: config.agent.max_steps,
        toolConcurrency: config.agent.tool_concurrency,
        maxOutputTokens: config.agent.max_output_tokens,
        signal: options.signal,
        onText: streaming ? (text) => turn.emit({ type: 'token', text }) : undefined,
        onStepUsage: (usage) => {
          trace.input_tokens += usage.input_tokens;
          trace.cached_input_tokens += usage.cached_input_tokens;
          trace.output_tokens += usage.output_tokens;
          if (current) trace.cost_usd += costUsd(priceFor(config.prices, current.provider, current.model), usage);
        },
      }));
    } catch (error) {
      trace.outcome = 'error';
      trace.handlers = tools.handlerTraces;
      trace.provider = current?.provider;
      trace.model = current?.model;
      // The detail (provider, status, cause) is kept here; the caller gets a plain message (turn-error.ts).
      trace.error = String((error as Error)?.message ?? error).slice(0, 500);
      trace.latency_ms = Math.round(performance.now() - turn.started);
      await saveTurn(runtime.store, {
        conversationId: turn.conversation.id,
        principalId: turn.principal.id,
        at: runtime.clock.now(),
        messages: [{ role: 'user', content: turn.message, parts: { turn_id: turn.id } }],
        trace,
        newConversation: turn.newConversation,
      }).catch((e: unknown) => {
        this.#metrics.saveFailed();
        runtime.logger.error({ err: e, turn_id: turn.id }, 'turn save failed');
      });
      this.#metrics.turn(trace);
      throw turnError(error);
    }
    trace.handlers = tools.handlerTraces;
    trace.provider = current?.provider;
    trace.model = current?.model;
    if (!response.trim()) {
      response = tools.pending.length
        ? (PENDING_ONLY_ANSWER[language] ?? PENDING_ONLY_ANSWER.en)
        : // The local tier's hand-over message carries the team's contacts from the knowledge files, in the user's language.
          (this.#options.noModelMessage ?? defaultNoModelMessage)(language);
      turn.emit({ type: 'token', text: response });
    }
    // Document search results the model used become the answer's sources (next to those the hooks added).
    const sources = [...prompt.sources];
    for (const source of sourcesFromRagResults(
      toolRecords.filter((r) => r.key.startsWith('rag.') && r.output !== undefined).map((r) => r.output),
    )) {
      if (!sources.some((s) => s.source === source.source && s.heading === source.heading)) sources.push(source);
    }
    const handlersUsed = [
      ...new Set(
        tools.handlerTraces.filter((h) => h.outcome === 'ok' || h.outcome === 'pending_approval').map((h) => h.key),
      ),
    ];
    return {
      response,
      model: current?.model ?? 'unknown',
      provider: current?.provider ?? 'unknown',
      route: decision.route,
      local: false,
      sources,
      pending: tools.pending,
      handlersUsed,
      toolRecords,
    };
  }

  /** A turn's question, tool messages, answer and trace (and a new conversation's row) in one statement. */
  async #saveWhole(turn: Turn, answer: Answer): Promise<ChatTurnResult> {
    turn.trace.latency_ms = Math.round(performance.now() - turn.started);
    const messages: TurnMessage[] = [
      { role: 'user', content: turn.message, parts: { turn_id: turn.id } },
      ...answerMessages(turn, answer),
    ];
    try {
      await saveTurn(this.#runtime.store, {
        conversationId: turn.conversation.id,
        principalId: turn.principal.id,
        at: this.#runtime.clock.now(),
        messages,
        trace: turn.trace,
        newConversation: turn.newConversation,
      });
    } catch (error) {
      throw this.#notSaved(turn, error);
    }
    return this.#answered(turn, answer);
  }

  #notSaved(turn: Turn, error: unknown): ZantaraError {
    this.#metrics.saveFailed();
    turn.trace.outcome = 'error';
    this.#metrics.turn(turn.trace);
    this.#runtime.logger.error(
      { err: error, conversation_id: turn.conversation.id, turn_id: turn.id },
      'turn save failed: the answer was withheld',
    );
    return turnNotSaved(error);
  }

  #answered(turn: Turn, answer: Answer): ChatTurnResult {
    const { trace } = turn;
    this.#metrics.turn(trace);
    const result: ChatTurnResult = {
      response: answer.response,
      model: answer.model,
      provider: answer.provider,
      route: answer.route,
      handlers_used: answer.handlersUsed,
      pending_actions: answer.pending,
      usage: {
        input_tokens: trace.input_tokens,
        cached_input_tokens: trace.cached_input_tokens,
        output_tokens: trace.output_tokens,
      },
      cost_usd: Math.round(trace.cost_usd * 1e8) / 1e8,
      conversation_id: turn.conversation.id,
      turn_id: turn.id,
      latency_ms: trace.latency_ms,
      local: answer.local,
    };
    if (answer.sources?.length) result.sources = answer.sources;
    this.#inBackground(turn.conversation.id, () =>
      this.#afterTurn(turn.principal, turn.conversation.id, turn.message, result, turn.overflowBefore),
    );
    return result;
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

  async #afterTurn(
    principal: Principal,
    conversationId: string,
    message: string,
    result: ChatTurnResult,
    overflowBefore: number,
  ): Promise<void> {
    const runtime = this.#runtime;
    for (const hook of this.#options.hooks ?? defaultTurnHooks) {
      if (!hook.afterTurn) continue;
      try {
        await hook.afterTurn({
          runtime,
          principal,
          conversationId,
          message,
          response: result.response,
          turnId: result.turn_id,
          handlersUsed: result.handlers_used,
        });
      } catch (error) {
        runtime.logger.warn({ err: error, hook: hook.name }, 'afterTurn hook failed');
      }
    }
    // This turn added two messages to the window, so at most two more fell out of it: no need to look before 4 are due.
    if (this.config.conversation.summarize && overflowBefore + 2 >= SUMMARY_BATCH) {
      await summarizeConversation(runtime, this.config, principal, conversationId, (chain) =>
        this.chain(chain, () => undefined),
      ).catch((error: unknown) => runtime.logger.warn({ err: error }, 'conversation summary failed'));
    }
  }
}

/** The tool messages and the answer of a turn, as stored. */
function answerMessages(turn: Turn, answer: Answer): TurnMessage[] {
  return [
    ...(answer.toolRecords ?? []).map(
      (record): TurnMessage => ({
        role: 'tool',
        content: JSON.stringify(record.output ?? record.error ?? null).slice(0, 20_000),
        parts: {
          turn_id: turn.id,
          tool_call_id: record.tool_call_id,
          key: record.key,
          input: record.input,
          ...(record.error ? { error: record.error } : {}),
        },
      }),
    ),
    {
      role: 'assistant',
      content: answer.response,
      parts: {
        turn_id: turn.id,
        model: answer.model,
        provider: answer.provider,
        pending_actions: answer.pending.map((p) => p.id),
      },
    },
  ];
}

export const orchestratorService = defineService('orchestrator', (runtime) => new Orchestrator(runtime));
