/**
 * `rag.query`: an answer grounded only in retrieved passages, with numbered citations [1], [2]… When a language
 * model is available it writes the answer from the passages (and says when they do not contain it); without one,
 * the best passages themselves are the answer. Nothing relevant found → it says so instead of guessing.
 */
import { explicitUtilityModel } from '../providers/utility-model.ts';
import { generateText, type LanguageModel } from 'ai';
import { defineService } from '../runtime/service.ts';
import type { RagIndex, SearchFilters, SearchHit } from './rag-index.ts';

export type Citation = { n: number; title: string; source: string; heading?: string; snippet: string };
export type GroundedAnswer = {
  answer: string;
  grounded: boolean;
  /** 'model' when a model wrote the answer, 'passages' when the passages are the answer, 'none' when nothing was found. */
  mode: 'model' | 'passages' | 'none';
  citations: Citation[];
  model?: string;
};

/**
 * The model `rag.query` writes answers with. Unset (the default) means the local form: passages with citations.
 * The model named by ZANTARA_UTILITY_MODEL, if any; tests set it: `runtime.service(ragAnswerModelService).model = model`.
 */
export const ragAnswerModelService = defineService('rag.answer-model', (runtime) => ({
  model: explicitUtilityModel(runtime.env)?.model as LanguageModel | undefined,
}));

const NOTHING: Record<string, string> = {
  en: 'I found nothing relevant in the indexed documents for this question, so I will not guess.',
  it: 'Non ho trovato nulla di pertinente nei documenti indicizzati per questa domanda, quindi non tiro a indovinare.',
  id: 'Saya tidak menemukan apa pun yang relevan di dokumen yang terindeks untuk pertanyaan ini, jadi saya tidak akan menebak.',
};

export async function answerFromDocuments(
  index: RagIndex,
  question: string,
  options: {
    k?: number;
    filters?: SearchFilters;
    model?: LanguageModel;
    language?: string;
    signal?: AbortSignal;
  } = {},
): Promise<GroundedAnswer> {
  const { results } = await index.search(question, {
    k: options.k ?? 5,
    filters: options.filters,
    signal: options.signal,
  });
  if (results.length === 0)
    return { answer: NOTHING[options.language ?? 'en'] ?? NOTHING.en, grounded: false, mode: 'none', citations: [] };
  const citations = results.map((hit, i) => citationOf(hit, i + 1));
  if (!options.model) {
    const lines = citations.map((c) => `[${c.n}] ${c.title}${c.heading ? ` — ${c.heading}` : ''}: ${c.snippet}`);
    return {
      answer: `Best passages in the documents (no model configured to summarise them):\n${lines.join('\n')}`,
      grounded: true,
      mode: 'passages',
      citations,
    };
  }
  const passages = results
    .map((hit, i) => `[${i + 1}] ${hit.title}${hit.heading ? ` — ${hit.heading}` : ''} (${hit.source})\n${hit.content}`)
    .join('\n\n');
  const { text } = await generateText({
    model: options.model,
    abortSignal: options.signal,
    system:
      'You answer questions for Bali Zero using ONLY the numbered passages given. Cite every statement with the passage ' +
      'number in square brackets, e.g. [1]. If the passages do not contain the answer, say so plainly and do not guess. ' +
      'Answer in the language of the question.',
    prompt: `Passages:\n\n${passages}\n\nQuestion: ${question}`,
  });
  const used = new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  const cited = citations.filter((c) => used.has(c.n));
  return {
    answer: text.trim(),
    grounded: cited.length > 0,
    mode: 'model',
    citations: cited.length ? cited : citations,
    model: typeof options.model === 'string' ? options.model : options.model.modelId,
  };
}

function citationOf(hit: SearchHit, n: number): Citation {
  return {
    n,
    title: hit.title,
    source: hit.source,
    ...(hit.heading ? { heading: hit.heading } : {}),
    snippet: hit.snippet,
  };
}
