/**
 * The result shapes of the business handlers (prices, quotes, visas, KBLI, team, timelines), as zod schemas: the
 * registry checks results against them outside production, and /v1/handlers and OpenAPI publish them.
 */
import { z } from 'zod';
import { CATEGORIES, OPTIONS } from '../../knowledge/schemas.ts';

const dated = { source: z.string(), last_verified: z.string().describe('YYYY-MM-DD') };
const verifyNote = z.string().nullable().describe('Why a figure should be confirmed, when verify is true');

export const processingTimeOutput = z.object({
  id: z.string(),
  name: z.string(),
  min: z.number().int(),
  max: z.number().int(),
  unit: z.enum(['working_days', 'days']),
  ...dated,
});

export const priceVariantOutput = z.object({
  option: z.enum(OPTIONS),
  years: z.union([z.literal(1), z.literal(2)]).optional(),
  days: z.number().int().optional(),
  amount: z.number().int().describe('IDR'),
  from: z.boolean().describe('A starting price'),
  unit: z.string().optional(),
  verify: z.boolean(),
  verify_note: z.string().optional(),
  label: z.string(),
});

export const priceEntryOutput = z.object({
  id: z.string(),
  code: z.string().nullable(),
  name: z.string(),
  category: z.enum(CATEGORIES),
  currency: z.literal('IDR'),
  contact_for_quote: z.boolean(),
  price_note: z.string().nullable(),
  variants: z.array(priceVariantOutput),
  price_from: z.number().int().nullable().describe('The lowest list amount; null for contact-for-quote services'),
  per_person: z.boolean(),
  included: z.array(z.string()),
  notes: z.string().nullable(),
  processing_time: processingTimeOutput.nullable(),
  verify: z.boolean(),
  verify_note: verifyNote,
  ...dated,
});

export const warningOutput = z.object({
  id: z.string(),
  text: z.string(),
  verify: z.boolean(),
  verify_note: verifyNote,
  ...dated,
});

export const priceListOutput = z.object({
  title: z.string(),
  source: z.string(),
  last_updated: z.string(),
  currency: z.literal('IDR'),
});

export const quoteLineOutput = z.object({
  item_id: z.string(),
  code: z.string().nullable(),
  name: z.string(),
  option: z.enum(OPTIONS),
  years: z.number().int().nullable(),
  days: z.number().int().nullable(),
  unit_price: z.number().int(),
  quantity: z.number().int(),
  amount: z.number().int(),
  from: z.boolean(),
  verify: z.boolean(),
  note: z.string().nullable(),
  last_verified: z.string(),
});

export const quoteContactLineOutput = z.object({
  item_id: z.string(),
  code: z.string().nullable(),
  name: z.string(),
  quantity: z.number().int(),
  note: z.string(),
});

export const packageQuoteOutput = z.object({
  id: z.string(),
  name: z.string(),
  lines: z.array(quoteLineOutput),
  contact_for_quote: z.array(quoteContactLineOutput),
  total: z.number().int(),
  total_is_minimum: z.boolean(),
  notes: z.string().nullable(),
  verify: z.boolean(),
  verify_note: verifyNote,
  ...dated,
});

const serviceRef = z.object({
  code: z.string().nullable(),
  name: z.string(),
  category: z.enum(CATEGORIES),
  id: z.string().optional(),
});

export const visaOutput = z.object({
  code: z.string(),
  name: z.string(),
  category: z.enum(CATEGORIES),
  purpose: z.string(),
  duration: z.string(),
  extensions: z.string(),
  eligibility: z.string(),
  requirements: z.array(z.string()),
  processing_time: processingTimeOutput.nullable(),
  prices: z.array(priceEntryOutput),
  warnings: z.array(warningOutput),
  verify: z.boolean(),
  verify_note: verifyNote,
  ...dated,
});

export const checklistOutput = z.object({
  query: z.string(),
  service: serviceRef,
  documents: z.array(z.string()),
  requirements: z.array(z.string()),
  verify: z.boolean(),
  verify_note: verifyNote,
  ...dated,
});

export const kbliEntryOutput = z.object({
  code: z.string(),
  level: z.string(),
  title: z.string(),
  title_en: z.string().nullable(),
  detail: z.string().nullable(),
  notes: z.string().nullable(),
  curated: z.boolean().describe('From the curated file (with English title and notes)'),
  edition: z.string(),
  source: z.string(),
  last_verified: z.string().nullable(),
});

export const memberOutput = z.object({
  id: z.string(),
  name: z.string(),
  placeholder: z.boolean(),
  role: z.string(),
  department: z.object({ id: z.string(), name: z.string() }),
  languages: z.array(z.string()),
  services: z.array(z.string()),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  ...dated,
});
