/**
 * Reads a file into a title and heading sections: Markdown, plain text, HTML (node-html-parser), PDF (unpdf,
 * no network) and YAML fact files (one section per top-level entry, rendered as readable lines). A file that
 * cannot be read as text is rejected with a `BadDocumentError` and a reason the ingest summary shows.
 */
import { basename, extname } from 'node:path';
import { parse as parseHtml, type HTMLElement, type Node } from 'node-html-parser';
import { parse as parseYaml } from 'yaml';
import type { Section } from './chunker.ts';

export type DocumentFormat = 'markdown' | 'text' | 'html' | 'pdf' | 'yaml';
export type ParsedDocument = { title: string; format: DocumentFormat; sections: Section[] };

const FORMATS: Record<string, DocumentFormat> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
  '.yaml': 'yaml',
  '.yml': 'yaml',
};

export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

export class BadDocumentError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'BadDocumentError';
    this.reason = reason;
  }
  static isInstance(error: unknown): error is BadDocumentError {
    return error instanceof Error && error.name === 'BadDocumentError';
  }
}

export function formatOf(path: string): DocumentFormat | undefined {
  return FORMATS[extname(path).toLowerCase()];
}

export async function parseDocument(path: string, bytes: Uint8Array): Promise<ParsedDocument> {
  const format = formatOf(path);
  if (!format) throw new BadDocumentError(`unsupported file type "${extname(path) || '(none)'}"`);
  if (bytes.length === 0) throw new BadDocumentError('empty file');
  if (bytes.length > MAX_DOCUMENT_BYTES)
    throw new BadDocumentError(`larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`);
  const fallbackTitle = basename(path, extname(path));
  const parsed =
    format === 'pdf' ? await parsePdf(bytes, fallbackTitle) : parseText(format, decodeText(bytes), fallbackTitle);
  const sections = parsed.sections
    .map((s) => ({
      headings: s.headings.map((h) => h.trim()).filter(Boolean),
      body: s.body.replace(/[ \t]+\n/g, '\n').trim(),
    }))
    .filter((s) => s.body.length > 0);
  if (sections.length === 0) throw new BadDocumentError('no text in the file');
  return { ...parsed, sections };
}

/** UTF-8 text, or a BadDocumentError for binary content (NUL bytes, invalid UTF-8, mostly control characters). */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.includes(0)) throw new BadDocumentError('binary content (NUL bytes), not text');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BadDocumentError('binary content (not valid UTF-8 text)');
  }
  const control = text.match(/[\u0001-\u0008\u000e-\u001f\u007f]/g)?.length ?? 0;
  if (control > text.length / 100) throw new BadDocumentError('binary content (control characters), not text');
  if (!text.trim()) throw new BadDocumentError('empty file (only whitespace)');
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

function parseText(
  format: Exclude<DocumentFormat, 'pdf'>,
  text: string,
  fallbackTitle: string,
): Omit<ParsedDocument, 'sections'> & { sections: Section[] } {
  switch (format) {
    case 'markdown':
      return { format, ...parseMarkdown(text, fallbackTitle) };
    case 'html':
      return { format, ...parseHtmlDocument(text, fallbackTitle) };
    case 'yaml':
      return { format, ...parseYamlDocument(text, fallbackTitle) };
    default:
      return { format, title: fallbackTitle, sections: [{ headings: [], body: text }] };
  }
}

/** Sections of a Markdown text along its ATX headings (`#`…`######`), ignoring `#` lines inside code fences. */
export function parseMarkdown(text: string, fallbackTitle: string): { title: string; sections: Section[] } {
  let title: string | undefined;
  let body = text;
  const front = /^---\n([\s\S]*?)\n---\n/.exec(body);
  if (front) {
    const t = /^title:\s*["']?(.+?)["']?\s*$/m.exec(front[1]);
    if (t) title = t[1];
    body = body.slice(front[0].length);
  }
  const sections: Section[] = [];
  const stack: string[] = [];
  let lines: string[] = [];
  let inFence = false;
  const flush = () => {
    sections.push({ headings: [...stack], body: lines.join('\n') });
    lines = [];
  };
  for (const line of body.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) {
      lines.push(line);
      continue;
    }
    flush();
    const level = heading[1].length;
    const text = heading[2].replace(/[*_`]/g, '').trim();
    if (level === 1 && !title) title = text;
    stack.length = Math.min(stack.length, level - 1);
    while (stack.length < level - 1) stack.push('');
    stack.push(text);
  }
  flush();
  const resolvedTitle = title ?? fallbackTitle;
  // The H1 is the title; repeating it in every heading path adds nothing.
  for (const s of sections) if (s.headings[0] === resolvedTitle) s.headings = s.headings.slice(1);
  return { title: resolvedTitle, sections };
}

const BLOCKS = new Set(['p', 'li', 'pre', 'blockquote', 'tr', 'dt', 'dd', 'figcaption', 'caption', 'address']);
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'nav', 'head', 'iframe', 'form', 'button']);

function parseHtmlDocument(html: string, fallbackTitle: string): { title: string; sections: Section[] } {
  const root = parseHtml(html, {
    comment: false,
    blockTextElements: { script: false, style: false, noscript: false, pre: true },
  });
  const docTitle = root.querySelector('title')?.text.trim();
  const lines: string[] = [];
  const walk = (node: Node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) {
        const t = child.text.replace(/\s+/g, ' ').trim();
        if (t) lines.push(t);
        continue;
      }
      if (child.nodeType !== 1) continue;
      const el = child as HTMLElement;
      const tag = el.tagName?.toLowerCase() ?? '';
      if (SKIPPED.has(tag)) continue;
      const h = /^h([1-6])$/.exec(tag);
      if (h) {
        lines.push('', `${'#'.repeat(Number(h[1]))} ${el.text.replace(/\s+/g, ' ').trim()}`, '');
        continue;
      }
      if (BLOCKS.has(tag)) {
        const t = tag === 'pre' ? el.text.trim() : el.text.replace(/\s+/g, ' ').trim();
        if (t) lines.push('', tag === 'li' ? `- ${t}` : t, '');
        continue;
      }
      walk(el);
      if (tag === 'div' || tag === 'section' || tag === 'article' || tag === 'table' || tag === 'br') lines.push('');
    }
  };
  walk(root.querySelector('body') ?? root);
  const parsed = parseMarkdown(lines.join('\n').replace(/\n{3,}/g, '\n\n'), docTitle || fallbackTitle);
  return { title: docTitle || parsed.title, sections: parsed.sections };
}

async function parsePdf(
  bytes: Uint8Array,
  fallbackTitle: string,
): Promise<Omit<ParsedDocument, 'sections'> & { sections: Section[] }> {
  const { getDocumentProxy, extractText, getMeta } = await import('unpdf');
  let pages: string[];
  let title: string | undefined;
  try {
    // A copy: pdf.js takes ownership of (detaches) the buffer it is given.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), {
      useSystemFonts: false,
      stopAtErrors: true,
      verbosity: 0,
    });
    try {
      const meta = await getMeta(pdf).catch(() => undefined);
      const infoTitle = (meta?.info as Record<string, unknown> | undefined)?.Title;
      if (typeof infoTitle === 'string' && infoTitle.trim()) title = infoTitle.trim();
      pages = (await extractText(pdf, { mergePages: false })).text;
    } finally {
      await pdf.cleanup().catch(() => undefined);
    }
  } catch (error) {
    const name = (error as Error)?.name ?? '';
    if (name === 'PasswordException' || /password/i.test(String((error as Error)?.message)))
      throw new BadDocumentError('encrypted PDF (password protected)');
    throw new BadDocumentError(`not a readable PDF (${String((error as Error)?.message ?? error).slice(0, 120)})`);
  }
  return {
    format: 'pdf',
    title: title ?? fallbackTitle,
    sections: pages.map((text, i) => ({ headings: [`Page ${i + 1}`], body: text.replace(/[ \t]+/g, ' ') })),
  };
}

/**
 * A YAML fact file, whatever its shape: each top-level entry becomes a section (a list of records gives one
 * section per record, headed by its name/title/code/id), rendered as indented `field: value` lines.
 */
export function parseYamlDocument(text: string, fallbackTitle: string): { title: string; sections: Section[] } {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new BadDocumentError(
      `invalid YAML (${String((error as Error).message)
        .split('\n')[0]
        .slice(0, 120)})`,
    );
  }
  const sections: Section[] = [];
  let title = fallbackTitle;
  const push = (headings: string[], value: unknown) => sections.push({ headings, body: render(value, 0) });
  if (Array.isArray(data)) {
    data.forEach((item, i) => push([labelOf(item) ?? `#${i + 1}`], item));
  } else if (data && typeof data === 'object') {
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      if ((key === 'title' || key === 'name') && typeof value === 'string') title = value;
      if (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((v) => v && typeof v === 'object' && !Array.isArray(v))
      ) {
        value.forEach((item, i) => push([key, labelOf(item) ?? `#${i + 1}`], item));
      } else push([key], value);
    }
  } else if (data !== null && data !== undefined) {
    push([], data);
  }
  return { title, sections };
}

function labelOf(item: unknown): string | undefined {
  if (!item || typeof item !== 'object') return typeof item === 'string' ? item.slice(0, 80) : undefined;
  const record = item as Record<string, unknown>;
  const name = ['name', 'title', 'service', 'label']
    .map((k) => record[k])
    .find((v) => typeof v === 'string' || typeof v === 'number');
  const code = ['code', 'id', 'key'].map((k) => record[k]).find((v) => typeof v === 'string' || typeof v === 'number');
  if (name !== undefined && code !== undefined && String(name) !== String(code)) return `${code} ${name}`;
  return name !== undefined ? String(name) : code !== undefined ? String(code) : undefined;
}

function render(value: unknown, depth: number): string {
  const pad = '  '.repeat(depth);
  if (value === null || value === undefined) return `${pad}(none)`;
  if (typeof value !== 'object') return `${pad}${String(value)}`;
  if (Array.isArray(value)) {
    return value
      .map((v) => (v && typeof v === 'object' ? `${pad}-\n${render(v, depth + 1)}` : `${pad}- ${String(v)}`))
      .join('\n');
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => {
      const label = k.replace(/_/g, ' ');
      if (v && typeof v === 'object') return `${pad}${label}:\n${render(v, depth + 1)}`;
      return `${pad}${label}: ${v === null || v === undefined ? '(none)' : String(v)}`;
    })
    .join('\n');
}
