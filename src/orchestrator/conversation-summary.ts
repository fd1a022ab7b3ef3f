/**
 * The rolling summary: messages that fell out of a conversation's history window are folded, a batch at a time, into
 * a short summary the next turns' prompts carry — written by the model when a route has one, else a plain digest.
 */
import { generateText, type LanguageModel } from 'ai';
import type { Principal } from '../auth/principal.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { OrchestratorConfig } from './config.ts';
import { Conversations } from './conversations.ts';
import { decideRoute } from './routing.ts';

/** Older messages are folded into the summary this many at a time. */
export const SUMMARY_BATCH = 4;

export async function summarizeConversation(
  runtime: Runtime,
  config: OrchestratorConfig,
  principal: Principal,
  conversationId: string,
  chain: (entries: string[]) => LanguageModel,
): Promise<void> {
  const conversations = new Conversations(runtime.store, () => runtime.clock.now());
  const conversation = await conversations.get(principal, conversationId);
  const { overflow } = await conversations.window(conversation, config.conversation.history_token_budget);
  if (overflow.length < SUMMARY_BATCH) return;
  const transcript = overflow
    .map((m) => `${m.role}: ${m.content}`)
    .join('\n')
    .slice(0, 12_000);
  let summary: string | undefined;
  const decision = await decideRoute(config, principal.id, transcript);
  if (decision.chain.length) {
    try {
      const { text } = await generateText({
        model: chain(decision.chain),
        instructions:
          "Summarise this conversation between a Bali Zero client and ZANTARA in at most 8 short lines: who the user is, what they want, facts and decisions. Keep the user's language.",
        prompt: `${conversation.summary ? `Earlier summary:\n${conversation.summary}\n\n` : ''}${transcript}`,
        maxRetries: 0,
        maxOutputTokens: 400,
      });
      summary = text.trim() || undefined;
    } catch {
      summary = undefined;
    }
  }
  summary ??= [
    conversation.summary,
    ...overflow.map((m) => `${m.role}: ${m.content.replace(/\s+/g, ' ').slice(0, 160)}`),
  ]
    .filter(Boolean)
    .join('\n')
    .slice(-4000);
  await conversations.setSummary(conversationId, summary, overflow[overflow.length - 1].id);
}
