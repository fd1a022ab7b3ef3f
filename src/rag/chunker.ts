/**
 * Heading-aware chunking: a document is a list of sections (heading path + body); each section is cut into
 * passages of at most `maxChars` along paragraphs, then sentences, then words, and each passage after the first
 * of a section starts with the tail of the previous one (`overlap`) so a sentence cut in two is still found.
 */
export type Section = { headings: string[]; body: string };
export type Chunk = { heading: string; content: string };

export const CHUNK_MAX_CHARS = 1200;
export const CHUNK_OVERLAP_CHARS = 150;
export const HEADING_SEPARATOR = ' › ';

export function chunkSections(sections: Section[], options: { maxChars?: number; overlap?: number } = {}): Chunk[] {
  const maxChars = options.maxChars ?? CHUNK_MAX_CHARS;
  const overlap = Math.min(options.overlap ?? CHUNK_OVERLAP_CHARS, Math.floor(maxChars / 3));
  const chunks: Chunk[] = [];
  for (const section of sections) {
    const heading = section.headings.filter(Boolean).join(HEADING_SEPARATOR);
    const pieces = splitToFit(section.body, maxChars - overlap);
    let previous = '';
    let current = '';
    const flush = () => {
      if (!current.trim()) return;
      chunks.push({ heading, content: current.trim() });
      previous = current;
      current = '';
    };
    for (const piece of pieces) {
      if (current && current.length + piece.length + 2 > maxChars) flush();
      if (!current && previous) current = tailOf(previous, overlap) + '\n\n';
      current += (current && !current.endsWith('\n\n') ? '\n\n' : '') + piece;
    }
    flush();
  }
  return chunks;
}

/** Paragraphs of `text`, each at most `limit` characters (long ones cut at sentences, then at words). */
function splitToFit(text: string, limit: number): string[] {
  const out: string[] = [];
  for (const paragraph of text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    if (paragraph.length <= limit) {
      out.push(paragraph);
      continue;
    }
    let buffer = '';
    for (const sentence of paragraph.match(/[^.!?。]+[.!?。]+["')\]]*\s*|[^.!?。]+$/g) ?? [paragraph]) {
      if (buffer && buffer.length + sentence.length > limit) {
        out.push(buffer.trim());
        buffer = '';
      }
      if (sentence.length > limit) {
        for (const part of hardCut(sentence, limit)) out.push(part);
      } else buffer += sentence;
    }
    if (buffer.trim()) out.push(buffer.trim());
  }
  return out;
}

function hardCut(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    let cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}

function tailOf(text: string, size: number): string {
  if (text.length <= size) return text.trim();
  const start = text.indexOf(' ', text.length - size);
  return (start === -1 ? text.slice(-size) : text.slice(start + 1)).trim();
}
