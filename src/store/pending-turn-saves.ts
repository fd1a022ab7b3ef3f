/**
 * Turns that were answered but are not stored yet. The orchestrator returns a turn's answer first and writes its
 * messages and trace right after (`saveTurn`); everything in this process that reads a principal's conversations
 * (the next turn, the conversation routes, `memory.forget`) first waits for that principal's pending saves, so it
 * never sees a conversation without its last turn — or, for forget, has a late save put back what it removed.
 *
 * The register is per store object: the conversation routes build `Conversations` from the store alone.
 */
import type { Queryable } from './store.ts';

type PendingSave = { principalId: string; conversationId: string; channel: string };

export class PendingTurnSaves {
  readonly #pending = new Map<Promise<void>, PendingSave>();

  get size(): number {
    return this.#pending.size;
  }

  /** Registers a save until it settles; `save` must not reject (its failure is handled by whoever started it). */
  track(save: Promise<void>, entry: PendingSave): void {
    this.#pending.set(save, entry);
    void save.finally(() => this.#pending.delete(save));
  }

  /**
   * Resolves when every save of the principal that is pending now has finished (optionally only those of one
   * conversation or one channel). Immediate when there are none.
   */
  async settled(principalId: string, only: { conversationId?: string; channel?: string } = {}): Promise<void> {
    if (this.#pending.size === 0) return;
    const waits: Promise<void>[] = [];
    for (const [save, entry] of this.#pending) {
      if (entry.principalId !== principalId) continue;
      if (only.conversationId !== undefined && entry.conversationId !== only.conversationId) continue;
      if (only.channel !== undefined && entry.channel !== only.channel) continue;
      waits.push(save);
    }
    await Promise.all(waits);
  }

  /** Resolves when every save pending now, of any principal, has finished (reports over all turns). */
  async allSettled(): Promise<void> {
    await Promise.all(this.#pending.keys());
  }
}

const registers = new WeakMap<Queryable, PendingTurnSaves>();

/** The pending turn saves on `store` (one register per store object). */
export function pendingTurnSaves(store: Queryable): PendingTurnSaves {
  let register = registers.get(store);
  if (!register) {
    register = new PendingTurnSaves();
    registers.set(store, register);
  }
  return register;
}
