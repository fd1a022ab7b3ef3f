/**
 * Turns what a person typed into a safe full-text query. User text never reaches `to_tsquery`: it is cut into
 * words (letters and digits only, so `&`, `|`, `!`, `:*`, quotes and brackets cannot form operators), common
 * words of English, Italian and Indonesian are dropped, and each word becomes its own `plainto_tsquery`, OR-ed
 * together, so a document matching more of the words ranks higher.
 */
import { ZantaraError } from '../errors.ts';
import { foldText, STOP_WORDS, wordsOf } from '../text/analysis.ts';

export const MAX_QUERY_WORDS = 24;
const MAX_WORD_LENGTH = 60;

/** The searchable words of `text`, folded, without stopwords (kept when the text is nothing but stopwords). */
export function queryWords(text: string): string[] {
  // Stopwords are dropped only on the query side: documents keep every word.
  const words = wordsOf(text).map((w) => w.slice(0, MAX_WORD_LENGTH));
  const unique = [...new Set(words)];
  const meaningful = unique.filter((w) => !STOP_WORDS.has(w));
  return (meaningful.length ? meaningful : unique).slice(0, MAX_QUERY_WORDS);
}

/**
 * SQL for the tsquery of `words`, using parameters from `firstParam` on.
 * @example
 * const q = tsqueryFor(queryWords('KITAS & "E33G"'), 2); // `plainto_tsquery('simple', zantara_unaccent($2)) || …`
 */
export function tsqueryFor(words: string[], firstParam: number): { sql: string; params: string[] } {
  if (words.length === 0) return { sql: `''::tsquery`, params: [] };
  return {
    sql: words.map((_, i) => `plainto_tsquery('simple', zantara_unaccent($${firstParam + i}))`).join(' || '),
    params: words,
  };
}

/**
 * SQL counting how many of the query words a row's tsvector contains (same parameters as `tsqueryFor`). Ranking by
 * this first means a passage with every word of the question beats one that repeats a single common word.
 */
export function coverageFor(words: string[], firstParam: number, column: string): string {
  if (words.length === 0) return '0';
  return `(${words.map((_, i) => `(${column} @@ plainto_tsquery('simple', zantara_unaccent($${firstParam + i})))::int`).join(' + ')})`;
}

/** Words of a query, or a 400 `invalid_query` when there is nothing to search for (empty, only punctuation). */
export function requireQueryWords(text: string): string[] {
  const words = queryWords(text);
  if (words.length === 0) {
    throw new ZantaraError(
      'invalid_query',
      'The query has no words to search for (only spaces or punctuation). Ask with at least one word.',
      { status: 400 },
    );
  }
  return words;
}

/**
 * A passage of at most `width` characters around the first query word found in `content` (its start otherwise),
 * cut at word boundaries.
 */
export function snippetOf(content: string, words: string[], width = 280): string {
  const text = content.replace(/\s+/g, ' ').trim();
  if (text.length <= width) return text;
  // Fold character by character so positions in the folded text map back to the original.
  const positions: number[] = [];
  let folded = '';
  for (let i = 0; i < text.length; i++) {
    const piece = foldText(text[i]);
    for (let j = 0; j < piece.length; j++) positions.push(i);
    folded += piece;
  }
  let hit = -1;
  for (const word of words.map(foldText)) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'u');
    const m = re.exec(folded);
    if (m && (hit === -1 || positions[m.index] < hit)) hit = positions[m.index];
  }
  let start = hit <= 0 ? 0 : Math.max(0, hit - Math.floor(width / 3));
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space === -1 || space > hit ? start : space + 1;
  }
  let end = Math.min(text.length, start + width);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + width / 2) end = space;
  }
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}
