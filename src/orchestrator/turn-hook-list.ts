import { memoryTurnHook } from './memory-turn-hook.ts';
import type { TurnHook } from './turn-hooks.ts';

/** The hooks every turn runs, in order. Add new hooks here. */
export const turnHooks: TurnHook[] = [memoryTurnHook];
