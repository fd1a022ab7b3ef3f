import type { z } from 'zod';
import type { Principal, Role } from '../auth/principal.ts';
import type { Runtime } from '../runtime/runtime.ts';

export const CATEGORIES = [
  'ai',
  'workspace',
  'business',
  'memory',
  'rag',
  'communication',
  'analytics',
  'intelligence',
  'identity',
  'maps',
  'realtime',
  'admin',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** read: looks things up; write: changes stored state; send: leaves the building (messages, e-mail, posts). */
export type Effect = 'read' | 'write' | 'send';

export type HandlerContext = {
  principal: Principal;
  runtime: Runtime;
  requestId: string;
  signal?: AbortSignal;
  /**
   * Calls another handler as the same principal (validation and roles apply). Pass the declaration to get its
   * typed result (`ctx.call(baliZeroPricing, input)`); a key string only where the key is chosen at run time.
   */
  call: CallHandler;
};

/** Calls a handler by reference (typed end to end) or by key (dynamic keys). */
export type CallHandler = {
  <I extends z.ZodType, O>(handler: HandlerDefinition<I, O>, params: z.input<I>): Promise<O>;
  (key: string, params: unknown): Promise<unknown>;
};

/** The result type a handler declares, e.g. `type PricingResult = HandlerOutput<typeof baliZeroPricing>`. */
export type HandlerOutput<H> = H extends HandlerDefinition<z.ZodType, infer O> ? O : never;

export type HandlerExample = { description: string; params: Record<string, unknown> };

/**
 * Everything the runtime, the models and a person need to know about one handler.
 * Validation of `input` happens once, in the registry, before `run` is called.
 */
export type HandlerDefinition<I extends z.ZodType = z.ZodType, O = unknown> = {
  /** Dotted lower-case key, e.g. `bali.zero.pricing`; segments may contain `_`. */
  key: string;
  category: Category;
  /** For a model and a person: what it does, when to use it, what it returns. */
  description: string;
  input: I;
  /** What `run` returns; checked against every result outside production, published in /v1/handlers and OpenAPI. */
  output?: z.ZodType<O>;
  /** Former keys still accepted by `call` (renamed handlers); lists show only `key`. */
  aliases?: readonly string[];
  effect: Effect;
  roles: readonly Role[];
  /** At least two: one in English, one in Italian or Indonesian. */
  examples: readonly HandlerExample[];
  /** Rate-limit class; defaults to `ai` for a handler that `callsModel`, else to the effect. */
  rateClass?: string;
  /** The handler may call a language model (a paid, slow call): it counts against the `ai` rate class. */
  callsModel?: true;
  /**
   * Top-level result fields that hold a secret (e.g. a new API key). Only the direct answer to the caller carries
   * them; every stored or listed copy (pending actions, traces, turn messages, logs) shows `[redacted]`.
   */
  secretOutput?: readonly string[];
  /**
   * Administrative: it changes who may do what (keys, configuration, identities). Never offered to a model, refused
   * when a model's tool call or an approved model proposal asks for it; only a person with a key calls it directly.
   */
  humanOnly?: true;
  /**
   * The result depends only on the validated input and the fact files loaded at start — not on the principal, the
   * store, the clock or any outside service. The registry then keeps recent results (deep-frozen) and answers a repeated
   * input from them; roles, validation, the rate limit and metrics still apply to every call. Only for `read` handlers.
   */
  pure?: true;
  run(input: z.infer<I>, ctx: HandlerContext): Promise<O>;
};

export type AnyHandler = HandlerDefinition<z.ZodType, unknown>;

/** Declares a handler with its input type inferred from the schema. */
export function defineHandler<I extends z.ZodType, O>(definition: HandlerDefinition<I, O>): HandlerDefinition<I, O> {
  return definition;
}
