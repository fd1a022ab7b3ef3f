/**
 * Trace writes that are still on their way to the store: the OpenAI-compatible gateway writes its ledger rows in
 * batches after its answers went out, and registers each batch here; usage reports wait for them (`usageReport`), so a
 * report never misses a call that was already answered. Chat turns do not need it: they are stored before they answer.
 *
 * The register is per store object.
 */
import type { Queryable } from '../store/store.ts';

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
