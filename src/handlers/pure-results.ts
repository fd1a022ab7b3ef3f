/**
 * Recent results of pure handlers (see `HandlerDefinition.pure`): per handler, the last `limit` distinct validated
 * inputs and their results, least recently used dropped first. A result is deep-frozen when it is kept, so the
 * callers that share it cannot change it for the next one, and the HTTP layer can reuse its encoded bytes (`sendOk`).
 */
const kept = new WeakSet<object>();

/** Whether a value is a result kept here: deep-frozen, so anything derived from it (its JSON) never goes stale. */
export function isKeptResult(value: unknown): value is object {
  return value !== null && typeof value === 'object' && kept.has(value);
}

export class PureResults {
  readonly #limit: number;
  readonly #byHandler = new Map<string, Map<string, unknown>>();

  constructor(limit = 256) {
    this.#limit = limit;
  }

  /** The key of a validated input: zod output has its keys in schema order, so equal inputs give equal keys. */
  static keyOf(input: unknown): string {
    return JSON.stringify(input) ?? 'undefined';
  }

  get(handlerKey: string, inputKey: string): unknown {
    const results = this.#byHandler.get(handlerKey);
    if (!results?.has(inputKey)) return undefined;
    const value = results.get(inputKey);
    results.delete(inputKey);
    results.set(inputKey, value);
    return value;
  }

  /** Keeps a result (deep-frozen) and returns it. */
  set<T>(handlerKey: string, inputKey: string, value: T): T {
    let results = this.#byHandler.get(handlerKey);
    if (!results) this.#byHandler.set(handlerKey, (results = new Map()));
    results.delete(inputKey);
    results.set(inputKey, deepFreeze(value));
    if (value !== null && typeof value === 'object') kept.add(value);
    if (results.size > this.#limit) results.delete(results.keys().next().value!);
    return value;
  }

  size(handlerKey: string): number {
    return this.#byHandler.get(handlerKey)?.size ?? 0;
  }
}

export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
