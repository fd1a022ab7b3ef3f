/**
 * A circuit breaker per provider. Closed: every call goes through. After `failures` consecutive failures it opens for
 * `cooldownMs`: calls skip the provider. When the cooldown is over it is half-open: exactly one call (the probe) goes
 * through; its success closes the circuit, its failure opens it for another cooldown. A probe whose call ended without
 * a verdict (the caller went away, an earlier provider answered) is given back, so the next call probes instead.
 */
import type { Clock } from '../runtime/clock.ts';

export type CircuitState = 'closed' | 'open' | 'half_open';
export type BreakerSettings = { failures: number; cooldownMs: number };

type Entry = { failures: number; openUntil: number; probing: boolean };

export class CircuitBreaker {
  readonly #clock: Clock;
  readonly #settings: BreakerSettings;
  readonly #entries = new Map<string, Entry>();

  constructor(clock: Clock, settings: BreakerSettings) {
    this.#clock = clock;
    this.#settings = settings;
  }

  /** Whether a call may go to `provider` now; in the half-open state this takes the one probe. */
  admit(provider: string): boolean {
    const entry = this.#entries.get(provider);
    if (!entry || entry.openUntil === 0) return true;
    if (this.#now() < entry.openUntil || entry.probing) return false;
    entry.probing = true;
    return true;
  }

  state(provider: string): CircuitState {
    const entry = this.#entries.get(provider);
    if (!entry || entry.openUntil === 0) return 'closed';
    return this.#now() < entry.openUntil ? 'open' : 'half_open';
  }

  recordSuccess(provider: string): void {
    this.#entries.delete(provider);
  }

  recordFailure(provider: string): void {
    const entry = this.#entries.get(provider) ?? { failures: 0, openUntil: 0, probing: false };
    entry.failures++;
    if (entry.probing || entry.failures >= this.#settings.failures) {
      entry.openUntil = this.#now() + this.#settings.cooldownMs;
      entry.failures = 0;
      entry.probing = false;
    }
    this.#entries.set(provider, entry);
  }

  /** The call that took the probe ended without a verdict on the provider. */
  release(provider: string): void {
    const entry = this.#entries.get(provider);
    if (entry) entry.probing = false;
  }

  /** Every provider that is not closed, with its state (metrics, /ready). */
  states(): Record<string, CircuitState> {
    const out: Record<string, CircuitState> = {};
    for (const provider of this.#entries.keys()) {
      const state = this.state(provider);
      if (state !== 'closed') out[provider] = state;
    }
    return out;
  }

  #now(): number {
    return this.#clock.now().getTime();
  }
}
