/**
 * Memory in chat turns: before a turn, the user's profile joins the system prompt; after it, durable facts the
 * user stated are saved by key (an unchanged fact is not rewritten). Registered in `turnHooks` (turn-hook-list.ts).
 */
import { explicitUtilityModel } from '../providers/utility-model.ts';
import type { LanguageModel } from 'ai';
import { SYSTEM_PRINCIPAL } from '../auth/principal.ts';
import type { TurnHook } from './turn-hooks.ts';
import { defineService } from '../runtime/service.ts';
import { extractFacts } from '../memory/fact-extractor.ts';
import { memoryService } from '../memory/memory-facts.ts';
import { profileSection } from '../memory/user-profile.ts';

/**
 * The model that extracts facts with structured output: the one named by ZANTARA_UTILITY_MODEL; unset (the
 * default) means local patterns only. Tests set it: `runtime.service(memoryModelService).model = model`.
 */
export const memoryModelService = defineService('memory.model', (runtime) => ({
  model: explicitUtilityModel(runtime.env)?.model as LanguageModel | undefined,
}));

export const memoryTurnHook: TurnHook = {
  name: 'memory',
  async beforeTurn({ runtime, principal }) {
    if (principal.id === SYSTEM_PRINCIPAL.id) return undefined;
    const facts = await runtime.service(memoryService).profileFacts(principal.id);
    const system = profileSection(facts, { today: runtime.clock.now().toISOString().slice(0, 10) });
    return system ? { system } : undefined;
  },
  async afterTurn({ runtime, principal, message }) {
    if (principal.id === SYSTEM_PRINCIPAL.id || !message.trim()) return;
    const facts = await extractFacts(message, { model: runtime.service(memoryModelService).model });
    const memory = runtime.service(memoryService);
    for (const f of facts) {
      await memory.save(principal.id, { key: f.key, type: f.type, content: f.content, data: f.data, source: 'chat' });
    }
  },
};
