import type { Principal } from '../auth/principal.ts';
import type { Runtime } from '../runtime/runtime.ts';

export type TurnHookInput = {
  runtime: Runtime;
  principal: Principal;
  conversationId: string;
  message: string;
  /** 'en' | 'it' | 'id' when known. */
  language?: string;
};

/**
 * Extension points of a chat turn, so memory and document search plug into the orchestrator without it
 * knowing them (the list is in turn-hook-list.ts). `beforeTurn` adds system-prompt sections (e.g. the user's profile); `afterTurn` sees the
 * finished exchange (e.g. to extract durable facts). A hook that throws is logged and skipped.
 */
export type TurnHook = {
  name: string;
  beforeTurn?(input: TurnHookInput): Promise<{ system?: string } | undefined>;
  afterTurn?(input: TurnHookInput & { response: string; turnId: string; handlersUsed: string[] }): Promise<void>;
};
