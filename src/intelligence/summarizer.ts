/**
 * Summaries of a conversation or a text for staff. With a model (configured like the orchestrator's providers),
 * the model writes the summary from the text only. Without one — or when the model fails — the answer is an
 * extractive summary: the most informative sentences copied from the text, labelled as such, never passed off
 * as a written summary.
 */
import { generateText } from 'ai';
import { defineService } from '../runtime/service.ts';
import { utilityModelFromEnv, type UtilityModel } from '../providers/utility-model.ts';
import { STOP_WORDS, wordsOf } from '../text/analysis.ts';

export type SummaryModel = UtilityModel;

/**
 * The summary model of a runtime, resolved from the environment on first use. Tests (or the orchestrator) may
 * replace it: `runtime.service(summaryModelService).current = { model, id }`.
 */
export const summaryModelService = defineService('intelligence.summary-model', (runtime) => ({
  current: utilityModelFromEnv(runtime.env),
}));

export type SummaryLine = { speaker?: string; text: string };

export type Summary = {
  method: 'model' | 'extractive';
  summary: string;
  /** Said when the summary is extractive, and why. */
  note?: string;
  model?: string;
  usage?: { input_tokens: number; output_tokens: number };
  /** For extractive summaries: the sentences chosen, in their original order. */
  sentences?: string[];
};

const LANGUAGE_NAMES = { en: 'English', it: 'Italian', id: 'Indonesian' } as const;

function splitSentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(])/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 1);
}

/**
 * The `count` most informative sentences, in their original order: a sentence scores by how often its content
 * words occur across the whole text, per word, with a bonus for figures, dates and permit codes (what staff act on).
 */
export function extractiveSummary(lines: SummaryLine[], count = 3): string[] {
  const sentences = lines.flatMap((line) =>
    splitSentences(line.text).map((s) => (line.speaker ? `${line.speaker}: ${s}` : s)),
  );
  if (sentences.length <= count) return sentences;
  const words = (s: string) => wordsOf(s).filter((w) => w.length > 2 && !STOP_WORDS.has(w));
  const frequency = new Map<string, number>();
  for (const s of sentences) for (const w of new Set(words(s))) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const scored = sentences.map((s, index) => {
    const content = words(s);
    const base = content.reduce((sum, w) => sum + (frequency.get(w) ?? 0), 0) / Math.sqrt(Math.max(content.length, 1));
    const facts = (s.match(/\d|\b[A-E]\d{2,3}[A-Z]?\b|KITAS|KITAP|PT PMA|NPWP|LKPM/g) ?? []).length > 0 ? 1.5 : 1;
    return { s, index, score: base * facts };
  });
  return scored
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, count)
    .sort((a, b) => a.index - b.index)
    .map((x) => x.s);
}

/**
 * Summarises `lines` (a conversation's messages, or one text as a single line) in `language`.
 * @example await summarize([{ text }], { model: undefined }) // { method: 'extractive', … }
 */
export async function summarize(
  lines: SummaryLine[],
  options: { model?: SummaryModel; language?: 'en' | 'it' | 'id'; maxSentences?: number; signal?: AbortSignal } = {},
): Promise<Summary> {
  const count = options.maxSentences ?? 3;
  const extractive = (note: string): Summary => {
    const sentences = extractiveSummary(lines, count);
    return { method: 'extractive', summary: sentences.join(' '), note, sentences };
  };
  if (!options.model)
    return extractive(
      'No summary model is configured: these are the most informative sentences copied from the text, not a written summary.',
    );
  const transcript = lines
    .map((l) => (l.speaker ? `${l.speaker}: ${l.text}` : l.text))
    .join('\n')
    .slice(0, 60_000);
  try {
    const result = await generateText({
      model: options.model.model,
      abortSignal: options.signal,
      system:
        `Summarise for Bali Zero staff in ${LANGUAGE_NAMES[options.language ?? 'en']}, in at most ${count + 2} short sentences. ` +
        'Use only what the text says: who the client is, what they need, dates, permits, amounts and what was promised or is still open. ' +
        'Never add facts, prices or advice that are not in the text.',
      prompt: transcript,
    });
    const summary = result.text.trim();
    if (!summary)
      return extractive('The model returned an empty summary: these are sentences copied from the text instead.');
    return {
      method: 'model',
      summary,
      model: options.model.id,
      usage: { input_tokens: result.usage.inputTokens ?? 0, output_tokens: result.usage.outputTokens ?? 0 },
    };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return extractive(
      `The summary model failed (${(error as Error).message.slice(0, 120)}): these are sentences copied from the text instead.`,
    );
  }
}
