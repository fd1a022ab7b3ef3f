/**
 * Reads and validates the fact files in `knowledge/` (or ZANTARA_KNOWLEDGE_DIR). Every problem is reported with
 * its file, its path inside the file and a message, so a typo in a price fails the start, not a client's quote.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ZantaraError } from '../errors.ts';
import {
  KNOWLEDGE_FILES,
  type Checklist,
  type Company,
  type KbliFile,
  type KbliRequirementsFile,
  type Package,
  type PriceItem,
  type PricesFile,
  type ProcessingTime,
  type TeamFile,
  type Topic,
  type Variant,
  type Visa,
  type Warning,
} from './schemas.ts';

export const DEFAULT_KNOWLEDGE_DIR = join(import.meta.dirname, '..', '..', 'knowledge');

export type KnowledgeProblem = { file: string; path: string; message: string };

/** A price item with `prices_as` resolved: `variants` is always the list to price from. */
export type ResolvedPriceItem = Omit<PriceItem, 'variants'> & { variants: Variant[] };

export type KnowledgeData = {
  dir: string;
  priceMeta: PricesFile['meta'];
  items: ResolvedPriceItem[];
  packages: Package[];
  visas: Visa[];
  checklists: Checklist[];
  processingTimes: ProcessingTime[];
  kbli: KbliFile;
  kbliRequirements: KbliRequirementsFile;
  warnings: Warning[];
  company: Company;
  team: TeamFile;
  topics: Topic[];
  /** Italian and Indonesian versions of English fact texts, by the English text. */
  translations: Map<string, { it: string; id: string }>;
};

/** The fact files failed validation; `problems` lists each one. */
export class KnowledgeError extends ZantaraError {
  readonly problems: KnowledgeProblem[];
  constructor(problems: KnowledgeProblem[]) {
    super(
      'invalid_knowledge',
      `The knowledge files are invalid:\n${problems.map((p) => `  ${p.file}${p.path ? ` at ${p.path}` : ''}: ${p.message}`).join('\n')}`,
      { status: 500, expose: true, details: { problems } },
    );
    this.problems = problems;
  }
}

/** Paths of the strings whose parentheses do not balance ("Sponsor documents (NIB" and "deed)" from a flow list). */
function unbalancedStrings(value: unknown, path = ''): string[] {
  if (typeof value === 'string') {
    let depth = 0;
    for (const ch of value) {
      depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
      if (depth < 0) break;
    }
    return depth === 0 ? [] : [path];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unbalancedStrings(v, path ? `${path}.${i}` : String(i)));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => unbalancedStrings(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** The short names ("Monthly tax return") of tax-deadlines.yaml's filings; none when the file is missing or invalid. */
function deadlineNames(dir: string): string[] {
  try {
    const file = parseYaml(readFileSync(join(dir, 'tax-deadlines.yaml'), 'utf8')) as {
      deadlines?: Array<{ name?: unknown }>;
    };
    return (file.deadlines ?? []).flatMap((d) => (typeof d.name === 'string' ? [d.name.split(' (')[0]] : []));
  } catch {
    return [];
  }
}

/**
 * Loads every knowledge file, validates it against its schema and checks references between files
 * (package items, visa price items, processing ids, team departments).
 * @throws KnowledgeError listing every problem found
 * @example
 * const data = loadKnowledge(); // knowledge/ in the repo
 */
export function loadKnowledge(dir: string = DEFAULT_KNOWLEDGE_DIR): KnowledgeData {
  const problems: KnowledgeProblem[] = [];
  const files = {} as { [F in keyof typeof KNOWLEDGE_FILES]: z.infer<(typeof KNOWLEDGE_FILES)[F]> };
  for (const [file, schema] of Object.entries(KNOWLEDGE_FILES) as Array<[keyof typeof KNOWLEDGE_FILES, z.ZodType]>) {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      const message =
        error instanceof YAMLParseError
          ? `YAML syntax: ${error.message.split('\n')[0]}`
          : (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'file is missing'
            : String((error as Error).message);
      problems.push({ file, path: '', message });
      continue;
    }
    problems.push(
      ...unbalancedStrings(raw).map((path) => ({
        file,
        path,
        message:
          'unbalanced parentheses: a comma inside a YAML flow list ([a, b (c, d)]) splits one item in two; quote the item',
      })),
    );
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({ file, path: issue.path.map(String).join('.'), message: issue.message });
      continue;
    }
    (files as Record<string, unknown>)[file] = parsed.data;
  }
  if (problems.length) throw new KnowledgeError(problems);

  const prices = files['prices.yaml'];
  const byId = new Map<string, PriceItem>();
  prices.items.forEach((item, i) => {
    if (byId.has(item.id))
      problems.push({ file: 'prices.yaml', path: `items.${i}.id`, message: `duplicate id "${item.id}"` });
    byId.set(item.id, item);
  });
  const items: ResolvedPriceItem[] = prices.items.map((item, i) => {
    const at = `items.${i}`;
    let variants = item.variants ?? [];
    if (item.prices_as) {
      const target = byId.get(item.prices_as);
      if (!target)
        problems.push({ file: 'prices.yaml', path: `${at}.prices_as`, message: `unknown item "${item.prices_as}"` });
      else if (target.prices_as)
        problems.push({
          file: 'prices.yaml',
          path: `${at}.prices_as`,
          message: 'prices_as must point at an item with its own variants',
        });
      else variants = target.variants ?? [];
      if (item.variants?.length)
        problems.push({
          file: 'prices.yaml',
          path: `${at}.variants`,
          message: 'use either variants or prices_as, not both',
        });
    }
    if (item.contact_for_quote && variants.length)
      problems.push({ file: 'prices.yaml', path: `${at}.variants`, message: 'a contact-for-quote item has no prices' });
    if (!item.contact_for_quote && !variants.length)
      problems.push({ file: 'prices.yaml', path: at, message: 'needs variants, prices_as or contact_for_quote: true' });
    const seen = new Set<string>();
    variants.forEach((v, j) => {
      const key = `${v.option}/${v.years ?? ''}/${v.days ?? ''}`;
      if (seen.has(key))
        problems.push({ file: 'prices.yaml', path: `${at}.variants.${j}`, message: `two variants for ${key}` });
      seen.add(key);
    });
    return { ...item, variants };
  });

  const ref = (file: string, path: string, itemId: string) => {
    if (!byId.has(itemId)) problems.push({ file, path, message: `unknown price item "${itemId}"` });
  };
  files['packages.yaml'].packages.forEach((p, i) =>
    p.items.forEach((line, j) => ref('packages.yaml', `packages.${i}.items.${j}.item`, line.item)),
  );
  const processingIds = new Set(files['processing-times.yaml'].processing_times.map((p) => p.id));
  files['processing-times.yaml'].processing_times.forEach((p, i) =>
    p.applies_to.items.forEach((it, j) =>
      ref('processing-times.yaml', `processing_times.${i}.applies_to.items.${j}`, it),
    ),
  );
  files['visas.yaml'].visas.forEach((v, i) => {
    v.price_items.forEach((it, j) => ref('visas.yaml', `visas.${i}.price_items.${j}`, it));
    if (!processingIds.has(v.processing))
      problems.push({
        file: 'visas.yaml',
        path: `visas.${i}.processing`,
        message: `unknown processing time "${v.processing}"`,
      });
  });
  files['documents.yaml'].checklists.forEach((c, i) => ref('documents.yaml', `checklists.${i}.service`, c.service));
  for (const section of ['general', 'rules'] as const) {
    files['kbli-requirements.yaml'][section].forEach((r, i) =>
      r.services.forEach((s, j) => ref('kbli-requirements.yaml', `${section}.${i}.services.${j}`, s)),
    );
  }
  files['topics.yaml'].topics.forEach((t, i) =>
    t.related_items.forEach((it, j) => ref('topics.yaml', `topics.${i}.related_items.${j}`, it)),
  );
  // A translation whose English text no fact uses any more is stale: the fact changed and the translation did not.
  const factTexts = new Set<string>(
    [
      ...items.flatMap((i) => [i.notes ?? '', ...(i.included ?? [])]),
      ...files['warnings.yaml'].warnings.map((w) => w.text),
      ...files['visas.yaml'].visas.flatMap((v) => [
        v.purpose,
        v.duration,
        v.extensions,
        v.eligibility,
        ...v.requirements,
        ...v.documents,
      ]),
      ...files['documents.yaml'].checklists.flatMap((c) => c.documents),
      // Names and glosses an Italian or Indonesian answer shows: service and visa names, KBLI glosses and notes,
      // investment notes, team roles and departments.
      ...items.map((i) => i.name),
      ...files['visas.yaml'].visas.map((v) => v.name),
      ...files['kbli.yaml'].codes.flatMap((c) => [c.title_en, c.notes ?? '']),
      ...[...files['kbli-requirements.yaml'].general, ...files['kbli-requirements.yaml'].rules].map((r) => r.text),
      ...files['team.yaml'].departments.flatMap((d) => [d.name, d.description, ...d.roles]),
      ...files['team.yaml'].members.map((m) => m.role),
      // Filing names of the tax calendar (tax-deadlines.yaml, read by the tax calendar), without their gloss.
      ...deadlineNames(dir),
    ].map((t) => t.trim()),
  );
  const translations = new Map<string, { it: string; id: string }>();
  files['translations.yaml'].translations.forEach((t, i) => {
    if (!factTexts.has(t.en))
      problems.push({
        file: 'translations.yaml',
        path: `translations.${i}.en`,
        message: `no fact file has the text "${t.en.slice(0, 60)}"`,
      });
    if (translations.has(t.en))
      problems.push({ file: 'translations.yaml', path: `translations.${i}.en`, message: 'translated twice' });
    translations.set(t.en, { it: t.it, id: t.id });
  });
  const departments = new Set(files['team.yaml'].departments.map((d) => d.id));
  files['team.yaml'].members.forEach((m, i) => {
    if (!departments.has(m.department))
      problems.push({
        file: 'team.yaml',
        path: `members.${i}.department`,
        message: `unknown department "${m.department}"`,
      });
  });
  const kbliCodes = new Set<string>();
  files['kbli.yaml'].codes.forEach((c, i) => {
    if (kbliCodes.has(c.code))
      problems.push({ file: 'kbli.yaml', path: `codes.${i}.code`, message: `duplicate code ${c.code}` });
    kbliCodes.add(c.code);
  });
  if (problems.length) throw new KnowledgeError(problems);

  return {
    dir,
    priceMeta: prices.meta,
    items,
    packages: files['packages.yaml'].packages,
    visas: files['visas.yaml'].visas,
    checklists: files['documents.yaml'].checklists,
    processingTimes: files['processing-times.yaml'].processing_times,
    kbli: files['kbli.yaml'],
    kbliRequirements: files['kbli-requirements.yaml'],
    warnings: files['warnings.yaml'].warnings,
    company: files['company.yaml'].company,
    team: files['team.yaml'],
    topics: files['topics.yaml'].topics,
    translations,
  };
}
