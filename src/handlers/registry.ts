import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.ts';
import { forbidden, invalidParams, issuesFromZod, notFound, ZantaraError } from '../errors.ts';
import { inputIssues } from '../input-safety.ts';
import type { AnyHandler, HandlerContext, HandlerDefinition } from './handler.ts';
import { lintHandler } from './lint-handler.ts';
import { PureResults } from './pure-results.ts';
import { toolNameForKey } from './tool-names.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { definePort } from '../runtime/service.ts';

export type CallOptions = {
  principal: Principal;
  requestId?: string;
  signal?: AbortSignal;
  /** `model`: a model's tool call, or an approved model proposal; `humanOnly` handlers refuse it. Nested calls keep it. */
  origin?: 'person' | 'model';
};

export const REDACTED = '[redacted]';

/** The rate-limit class a call to this handler counts against. */
export function rateClassOf(handler: AnyHandler): string {
  return handler.rateClass ?? (handler.callsModel ? 'ai' : handler.effect);
}

/** What a caller learns about one handler: its declaration minus the code, plus its params as JSON Schema. */
export type HandlerInfo = {
  key: string;
  tool_name: string;
  category: string;
  description: string;
  effect: string;
  roles: readonly string[];
  params: Record<string, unknown>;
  /** JSON Schema of the result, when the handler declares its output. */
  output?: Record<string, unknown>;
  examples: AnyHandler['examples'];
};

/**
 * The single source of truth for what ZANTARA can do. `/call`, model tools, MCP and the handler list all come
 * from here, and every call — from HTTP, a model or another handler — goes through `call`: role check,
 * validation (unknown fields rejected), rate limit, run, audit of writes and sends.
 */
export class Registry {
  readonly #handlers = new Map<string, AnyHandler>();
  readonly #schemas = new Map<string, Record<string, unknown>>();
  readonly #outputSchemas = new Map<string, Record<string, unknown> | undefined>();
  readonly #aliases = new Map<string, string>();
  readonly #pureResults = new PureResults();
  #runtime?: Runtime;

  register(...handlers: AnyHandler[]): this {
    for (const handler of handlers) {
      const problems = lintHandler(handler);
      if (problems.length) throw new Error(`Handler ${handler.key} is not well declared:\n  ${problems.join('\n  ')}`);
      if (this.#handlers.has(handler.key) || this.#aliases.has(handler.key))
        throw new Error(`Handler ${handler.key} is registered twice`);
      for (const alias of handler.aliases ?? []) {
        if (this.#handlers.has(alias) || this.#aliases.has(alias))
          throw new Error(`Alias ${alias} of ${handler.key} is taken`);
        this.#aliases.set(alias, handler.key);
      }
      const input = handler.input instanceof z.ZodObject ? handler.input.strict() : handler.input;
      this.#handlers.set(handler.key, { ...handler, input });
    }
    return this;
  }

  /** Binds the runtime whose store, services and limits the handlers use. */
  bind(runtime: Runtime): this {
    this.#runtime = runtime;
    return this;
  }

  /** The handler for a key or a former key (alias). */
  get(key: string): AnyHandler | undefined {
    return this.#handlers.get(this.#aliases.get(key) ?? key);
  }

  list(): AnyHandler[] {
    return [...this.#handlers.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  /** The handlers a principal may call; a web guest is offered read handlers only. */
  listFor(principal: Principal): AnyHandler[] {
    return this.list().filter(
      (h) => h.roles.includes(principal.role) && (principal.via !== 'guest' || h.effect === 'read'),
    );
  }

  /** The handlers a model acting for this principal may be offered: its role's, minus the administrative ones. */
  listForModel(principal: Principal): AnyHandler[] {
    return this.listFor(principal).filter((h) => !h.humanOnly);
  }

  /** A copy of a handler's result fit to store or list: its declared secret fields replaced by `[redacted]`. */
  redact(key: string, result: unknown): unknown {
    const secret = this.#handlers.get(key)?.secretOutput;
    if (!secret?.length || typeof result !== 'object' || result === null || Array.isArray(result)) return result;
    const copy: Record<string, unknown> = { ...result };
    for (const field of secret) if (field in copy) copy[field] = REDACTED;
    return copy;
  }

  /** JSON Schema (draft 2020-12) of a handler's params, derived from its zod input. */
  paramsSchema(key: string): Record<string, unknown> {
    let schema = this.#schemas.get(key);
    if (!schema) {
      const handler = this.#require(key);
      schema = z.toJSONSchema(handler.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      delete schema.$schema;
      this.#schemas.set(key, schema);
    }
    return schema;
  }

  /** JSON Schema of a handler's result, derived from its zod output; undefined when it declares none. */
  outputSchema(key: string): Record<string, unknown> | undefined {
    const handler = this.#require(key);
    if (!this.#outputSchemas.has(handler.key)) {
      const schema = handler.output
        ? (z.toJSONSchema(handler.output, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>)
        : undefined;
      if (schema) delete schema.$schema;
      this.#outputSchemas.set(handler.key, schema);
    }
    return this.#outputSchemas.get(handler.key);
  }

  info(key: string): HandlerInfo {
    const h = this.#require(key);
    const output = this.outputSchema(h.key);
    return {
      key: h.key,
      tool_name: toolNameForKey(h.key),
      category: h.category,
      description: h.description,
      effect: h.effect,
      roles: h.roles,
      params: this.paramsSchema(h.key),
      ...(output ? { output } : {}),
      examples: h.examples,
    };
  }

  /**
   * Validates and runs one handler for a principal.
   * @throws ZantaraError handler_not_found | forbidden | invalid_params | rate_limited | the handler's own codes | internal_error
   */
  call<I extends z.ZodType, O>(handler: HandlerDefinition<I, O>, params: z.input<I>, options: CallOptions): Promise<O>;
  call(key: string, params: unknown, options: CallOptions): Promise<unknown>;
  async call(keyOrHandler: string | AnyHandler, params: unknown, options: CallOptions): Promise<unknown> {
    const runtime = this.#runtime;
    if (!runtime) throw new Error('Registry is not bound to a runtime');
    const requested = typeof keyOrHandler === 'string' ? keyOrHandler : keyOrHandler.key;
    const handler = this.get(requested);
    const key = handler?.key ?? requested;
    if (!handler) throw notFound('handler_not_found', `No handler named "${key}".`, { key });
    if (!handler.roles.includes(options.principal.role))
      throw forbidden(`The ${options.principal.role} role may not call ${key}.`);
    if (handler.humanOnly && options.origin === 'model')
      throw forbidden(`${key} is administrative: only a person may call it, never a model.`);
    const unsafe = inputIssues(params);
    if (unsafe.length) throw invalidParams(unsafe);
    const parsed = handler.input.safeParse(params ?? {});
    if (!parsed.success) throw invalidParams(issuesFromZod(parsed.error.issues));
    await runtime.rateLimiter.consume(options.principal, rateClassOf(handler));

    const pureKey = handler.pure ? PureResults.keyOf(parsed.data) : undefined;
    if (pureKey !== undefined) {
      const kept = this.#pureResults.get(key, pureKey);
      if (kept !== undefined) {
        runtime.metrics.handlerCalls.inc({ key, outcome: 'ok' });
        runtime.metrics.handlerReused.inc({ key });
        return kept;
      }
    }
    const requestId = options.requestId ?? randomUUID();
    const ctx: HandlerContext = {
      principal: options.principal,
      runtime,
      requestId,
      signal: options.signal,
      call: ((next: string | AnyHandler, nextParams: unknown) =>
        this.call(next as string, nextParams, { ...options, requestId })) as HandlerContext['call'],
    };
    const started = performance.now();
    let outcome: 'ok' | 'error' = 'ok';
    let errorCode: string | undefined;
    try {
      const result = await handler.run(parsed.data, ctx);
      if (handler.output && runtime.env.NODE_ENV !== 'production') this.#checkOutput(handler, result);
      return pureKey === undefined ? result : this.#pureResults.set(key, pureKey, result);
    } catch (error) {
      outcome = 'error';
      if (ZantaraError.isInstance(error)) {
        errorCode = error.code;
        throw error;
      }
      errorCode = 'internal_error';
      runtime.logger.error({ err: error, key, requestId }, 'handler failed');
      throw new ZantaraError('internal_error', 'Internal error.', {
        status: 500,
        cause: error,
        expose: false,
        details: { request_id: requestId },
      });
    } finally {
      const durationMs = performance.now() - started;
      runtime.metrics.handlerCalls.inc({ key, outcome });
      runtime.metrics.handlerDuration.observe({ key }, durationMs / 1000);
      if (handler.effect !== 'read') {
        await runtime.store
          .query(
            `INSERT INTO audit_log (principal_id, role, handler_key, effect, outcome, error_code, request_id, duration_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [
              options.principal.via === 'system' ? null : options.principal.id,
              options.principal.role,
              key,
              handler.effect,
              outcome,
              errorCode ?? null,
              requestId,
              Math.round(durationMs),
            ],
          )
          .catch((error: unknown) => runtime.logger.error({ err: error, key }, 'audit write failed'));
      }
    }
  }

  /** Outside production a result that does not match the declared output is a bug: it fails the call (and the test). */
  #checkOutput(handler: AnyHandler, result: unknown): void {
    const checked = handler.output!.safeParse(result);
    if (checked.success) return;
    const problems = checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(result)'}: ${i.message}`);
    throw new Error(`${handler.key} returned a result that does not match its output schema: ${problems.join('; ')}`);
  }

  #require(key: string): AnyHandler {
    const handler = this.get(key);
    if (!handler) throw notFound('handler_not_found', `No handler named "${key}".`, { key });
    return handler;
  }
}

export type { HandlerDefinition };

/** The runtime's registry, built from the handler list in the composition root: `runtime.service(handlerRegistry)`. */
export const handlerRegistry = definePort<Registry>('handler registry');
