/**
 * Language detection with a confidence, for staff tools. The verdict is the local tier's `detectLanguage`
 * (one detector in the project); the confidence says how much of the text agrees with it: the text is cut into
 * clauses, each clause is detected on its own, and the share of words in clauses that agree is the agreement.
 * Short texts carry little evidence, so the confidence is scaled down below eight words.
 */
import { detectLanguage, LANGUAGES, type Language } from '../text/language.ts';

export type LanguageDetection = {
  language: Language;
  /** 0–1. */
  confidence: number;
  /** Share of words per language, over clauses detected separately. */
  shares: Record<Language, number>;
  /** True when a second language holds at least a quarter of the words (e.g. Italian with English phrases). */
  mixed: boolean;
  words: number;
};

const WORD = /[\p{L}\p{N}']+/gu;

export function detectLanguageWithConfidence(text: string): LanguageDetection {
  const sample = text.slice(0, 20_000);
  const language = detectLanguage(sample);
  const clauses = sample
    .split(/[.!?;:\n]+|,\s+|\s+[-–—]\s+/)
    .map((c) => c.trim())
    .filter(Boolean);
  const weights: Record<Language, number> = { en: 0, it: 0, id: 0 };
  let words = 0;
  for (const clause of clauses) {
    const n = clause.match(WORD)?.length ?? 0;
    if (n === 0) continue;
    words += n;
    weights[n >= 2 ? detectLanguage(clause) : language] += n;
  }
  const shares = Object.fromEntries(
    LANGUAGES.map((l) => [l, words ? Math.round((weights[l] / words) * 1000) / 1000 : 0]),
  ) as Record<Language, number>;
  const agreement = words ? weights[language] / words : 0;
  const evidence = Math.min(1, words / 8);
  const confidence = Math.round(agreement * (0.4 + 0.6 * evidence) * 1000) / 1000;
  const mixed = LANGUAGES.some((l) => l !== language && shares[l] >= 0.25);
  return { language, confidence, shares, mixed, words };
}
