/**
 * A turn's prompt: the sections the turn hooks add (profile, documents), the conversation's rolling summary, and the
 * recent messages that fit the history budget, then the user's message.
 */
import type { ModelMessage } from 'ai';
import type { Principal } from '../auth/principal.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Conversation, Conversations, StoredMessage } from './conversations.ts';
import type { Source } from '../rag/citations.ts';
import type { TurnHook } from './turn-hooks.ts';

export type TurnPrompt = { sections: string[]; sources: Source[]; messages: ModelMessage[]; overflowBefore: number };

export async function buildTurnPrompt(input: {
  runtime: Runtime;
  principal: Principal;
  hooks: TurnHook[];
  conversations: Conversations;
  conversation: Conversation & { created: boolean };
  message: string;
  language: string;
  historyBudget: number;
  /** The local tier's findings, as a prompt section, when it handed over. */
  findings?: string;
}): Promise<TurnPrompt> {
  const { runtime, principal, conversation, message } = input;
  const sections: string[] = [];
  const sources: Source[] = [];
  for (const hook of input.hooks) {
    if (!hook.beforeTurn) continue;
    try {
      // A hook may also return `sources` (document passages it put in the prompt); they are passed on to the result.
      const added = (await hook.beforeTurn({
        runtime,
        principal,
        conversationId: conversation.id,
        message,
        language: input.language,
      })) as { system?: string; sources?: Source[] } | undefined;
      if (added?.system) sections.push(added.system);
      if (Array.isArray(added?.sources)) sources.push(...added.sources);
    } catch (error) {
      runtime.logger.warn({ err: error, hook: hook.name }, 'beforeTurn hook failed');
    }
  }
  if (conversation.summary) sections.push(`Summary of the earlier conversation:\n${conversation.summary}`);
  if (input.findings) sections.push(input.findings);
  // A new conversation has no history: no query needed.
  const { recent, overflow } = conversation.created
    ? { recent: [], overflow: [] }
    : await input.conversations.window(conversation, input.historyBudget);
  return {
    sections,
    sources,
    messages: [...recent.map(toModelMessage), { role: 'user', content: message }],
    overflowBefore: overflow.length,
  };
}

function toModelMessage(m: StoredMessage): ModelMessage {
  return m.role === 'assistant' ? { role: 'assistant', content: m.content } : { role: 'user', content: m.content };
}
