/**
 * The shape of every file in `knowledge/`. Each entry carries `source` and `last_verified`; entries the sources
 * disagree on carry `verify: true` and are served with a "please confirm with our team" note.
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes');
const text = z.string().trim().min(1);
const idr = z.number().int('IDR amounts are integers').positive();

/** Every entry names where it comes from and when it was last checked against that source. */
const dated = { source: text, last_verified: isoDate };
const verifiable = { verify: z.boolean().default(false), verify_note: text.optional() };

export const CATEGORIES = ['visa', 'kitas', 'kitap', 'business', 'tax'] as const;
export const OPTIONS = ['offshore', 'onshore', 'extension', 'standard'] as const;
export const LANGUAGES = ['en', 'it', 'id'] as const;

const aliases = z
  .object({ en: z.array(text).default([]), it: z.array(text).default([]), id: z.array(text).default([]) })
  .strict();

export const variantSchema = z
  .object({
    option: z.enum(OPTIONS),
    years: z.union([z.literal(1), z.literal(2)]).optional(),
    days: z.number().int().positive().optional(),
    amount: idr,
    /** A starting price ("from 20,000,000"). */
    from: z.boolean().default(false),
    unit: text.optional(),
    ...verifiable,
  })
  .strict();

export const priceItemSchema = z
  .object({
    id,
    code: text.optional(),
    name: text,
    category: z.enum(CATEGORIES),
    aliases: aliases.default({ en: [], it: [], id: [] }),
    variants: z.array(variantSchema).optional(),
    /** Reuse the variants of another item ("priced as E31A"). */
    prices_as: id.optional(),
    contact_for_quote: z.boolean().default(false),
    per_person: z.boolean().default(false),
    included: z.array(text).default([]),
    notes: text.optional(),
    ...verifiable,
    ...dated,
  })
  .strict();

export const pricesFileSchema = z
  .object({
    meta: z
      .object({
        currency: z.literal('IDR'),
        title: text,
        source: text,
        last_updated: isoDate,
        disclaimer: text,
        verify_note: text,
        contact_note: text,
        options: z.record(z.enum(OPTIONS), text),
        /** Categories priced per person (a quote multiplies them by `persons`); other items set `per_person`. */
        per_person_categories: z.array(z.enum(CATEGORIES)).default([]),
      })
      .strict(),
    items: z.array(priceItemSchema).min(1),
  })
  .strict();

export const packageSchema = z
  .object({
    id,
    name: text,
    aliases: z.array(text).default([]),
    items: z
      .array(
        z
          .object({
            item: id,
            option: z.enum(OPTIONS).optional(),
            years: z.union([z.literal(1), z.literal(2)]).optional(),
            days: z.number().int().positive().optional(),
          })
          .strict(),
      )
      .min(1),
    notes: text.optional(),
    ...verifiable,
    ...dated,
  })
  .strict();
export const packagesFileSchema = z.object({ packages: z.array(packageSchema) }).strict();

export const visaSchema = z
  .object({
    code: text,
    name: text,
    category: z.enum(CATEGORIES),
    price_items: z.array(id).min(1),
    purpose: text,
    duration: text,
    extensions: text,
    eligibility: text,
    requirements: z.array(text).default([]),
    documents: z.array(text).default([]),
    documents_verify: z.boolean().default(false),
    processing: id,
    keywords: aliases.default({ en: [], it: [], id: [] }),
    ...verifiable,
    ...dated,
  })
  .strict();
export const visasFileSchema = z.object({ visas: z.array(visaSchema).min(1) }).strict();

export const checklistSchema = z
  .object({ service: id, documents: z.array(text).min(1), ...verifiable, ...dated })
  .strict();
export const documentsFileSchema = z.object({ checklists: z.array(checklistSchema) }).strict();

export const processingTimeSchema = z
  .object({
    id,
    name: text,
    applies_to: z
      .object({ categories: z.array(z.enum(CATEGORIES)).default([]), items: z.array(id).default([]) })
      .strict(),
    min: z.number().int().nonnegative(),
    max: z.number().int().positive(),
    unit: z.enum(['working_days', 'days']),
    ...verifiable,
    ...dated,
  })
  .strict()
  .refine((p) => p.min <= p.max, { message: 'min must not exceed max', path: ['min'] });
export const processingTimesFileSchema = z.object({ processing_times: z.array(processingTimeSchema).min(1) }).strict();

export const kbliEntrySchema = z
  .object({
    code: z.string().regex(/^\d{5}$/, 'a KBLI 2020 business code has 5 digits'),
    title: text,
    title_en: text,
    notes: text.optional(),
    aliases: aliases.default({ en: [], it: [], id: [] }),
    ...verifiable,
    ...dated,
  })
  .strict();
export const kbliFileSchema = z
  .object({ edition: z.literal('KBLI 2020'), edition_note: text, codes: z.array(kbliEntrySchema).min(1) })
  .strict();

/** `services`: price-list items the note relates to (served with their prices). */
const requirementNote = z.object({ id, text, services: z.array(id).default([]), ...verifiable, ...dated }).strict();
export const kbliRequirementsFileSchema = z
  .object({
    general: z.array(requirementNote),
    rules: z.array(requirementNote.extend({ codes: z.array(z.string().regex(/^\d{5}$/)).min(1) }).strict()),
  })
  .strict();

export const warningSchema = z
  .object({
    id,
    text,
    applies_to: z.array(text).min(1),
    topics: z.array(text).default([]),
    ...verifiable,
    ...dated,
  })
  .strict();
export const warningsFileSchema = z.object({ warnings: z.array(warningSchema) }).strict();

const perLanguage = <T extends z.ZodType>(schema: T) => z.object({ en: schema, it: schema, id: schema }).strict();

/** A general question answered in three languages (topics.yaml): matched by its phrases, never translated at run time. */
export const topicSchema = z
  .object({
    id,
    match: perLanguage(z.array(text).min(1)),
    answer: perLanguage(text),
    related_items: z.array(id).default([]),
    ...verifiable,
    ...dated,
  })
  .strict();
export const topicsFileSchema = z.object({ topics: z.array(topicSchema).min(1) }).strict();

/** Italian and Indonesian versions of English fact texts (translations.yaml), keyed by the exact English text. */
export const translationsFileSchema = z
  .object({
    source: text,
    last_verified: isoDate,
    translations: z.array(z.object({ en: text, it: text, id: text }).strict()),
  })
  .strict();

export const companyFileSchema = z
  .object({
    company: z
      .object({
        legal_name: text,
        trading_name: text,
        motto: text,
        email: z.email(),
        languages: z.array(z.enum(LANGUAGES)).min(1),
        timezone: text,
        timezone_label: text,
        office: text,
        phone: text,
        whatsapp: text,
        hours: text,
        handover_default: text,
        ...dated,
      })
      .strict(),
  })
  .strict();

export const teamFileSchema = z
  .object({
    departments: z
      .array(
        z
          .object({
            id,
            name: text,
            description: text,
            roles: z.array(text).min(1),
            services: z.array(text).default([]),
            ...dated,
          })
          .strict(),
      )
      .min(1),
    members: z.array(
      z
        .object({
          id,
          name: text,
          placeholder: z.boolean().default(false),
          department: id,
          role: text,
          languages: z.array(z.enum(LANGUAGES)).min(1),
          services: z.array(text).default([]),
          email: z.email().optional(),
          ...dated,
        })
        .strict(),
    ),
  })
  .strict();

export type PriceItem = z.infer<typeof priceItemSchema>;
export type Variant = z.infer<typeof variantSchema>;
export type PricesFile = z.infer<typeof pricesFileSchema>;
export type Package = z.infer<typeof packageSchema>;
export type Visa = z.infer<typeof visaSchema>;
export type Checklist = z.infer<typeof checklistSchema>;
export type ProcessingTime = z.infer<typeof processingTimeSchema>;
export type KbliEntry = z.infer<typeof kbliEntrySchema>;
export type KbliFile = z.infer<typeof kbliFileSchema>;
export type KbliRequirementsFile = z.infer<typeof kbliRequirementsFileSchema>;
export type Warning = z.infer<typeof warningSchema>;
export type Topic = z.infer<typeof topicSchema>;
export type Company = z.infer<typeof companyFileSchema>['company'];
export type TeamFile = z.infer<typeof teamFileSchema>;
export type Category = (typeof CATEGORIES)[number];
export type PriceOption = (typeof OPTIONS)[number];

/** The data files and their schemas, by file name. */
export const KNOWLEDGE_FILES = {
  'prices.yaml': pricesFileSchema,
  'packages.yaml': packagesFileSchema,
  'visas.yaml': visasFileSchema,
  'documents.yaml': documentsFileSchema,
  'processing-times.yaml': processingTimesFileSchema,
  'kbli.yaml': kbliFileSchema,
  'kbli-requirements.yaml': kbliRequirementsFileSchema,
  'warnings.yaml': warningsFileSchema,
  'company.yaml': companyFileSchema,
  'team.yaml': teamFileSchema,
  'topics.yaml': topicsFileSchema,
  'translations.yaml': translationsFileSchema,
} as const;
