/**
 * The knowledge base: the fact files loaded once per runtime, with the questions handlers ask of them, one part per
 * domain — which service did the person mean and what does it cost (`prices`), what does a quote add up to
 * (`quotes`), which visa fits and what it needs (`visas`), which KBLI code (`kbli`), who handles it (`company`), how
 * long it takes (`processingTimes`, `timelines`), what to watch out for (`warnings`), which general topic (`topics`).
 * Everything is computed from the files; nothing is written here.
 */
import { z } from 'zod';
import { parseEnv } from '../config/env.ts';
import { defineService } from '../runtime/service.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { Company } from './company.ts';
import { KbliCodes } from './kbli-codes.ts';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge, type KnowledgeData } from './load-knowledge.ts';
import { PriceList, priceListInfo } from './price-list.ts';
import { ProcessingTimes } from './processing-times.ts';
import { Quotes } from './quotes.ts';
import { TimelineEstimates } from './timeline-estimate.ts';
import { Topics } from './topics.ts';
import { Visas } from './visas.ts';
import { Warnings } from './warnings.ts';

export const knowledgeEnv = z.object({
  ZANTARA_KNOWLEDGE_DIR: z.string().default(DEFAULT_KNOWLEDGE_DIR).describe('Directory of the fact files'),
  ZANTARA_OFFICE_ADDRESS: z.string().optional().describe('Office address shown to clients (overrides company.yaml)'),
  ZANTARA_PHONE: z.string().optional().describe('Phone / WhatsApp number shown to clients (overrides company.yaml)'),
  ZANTARA_HOURS: z.string().optional().describe('Opening hours shown to clients (overrides company.yaml)'),
  ZANTARA_QUOTE_VALIDITY_DAYS: z.coerce.number().int().min(1).max(365).default(30).describe('Days a quote stays valid'),
});
export type KnowledgeConfig = z.infer<typeof knowledgeEnv>;

export class Knowledge {
  readonly data: KnowledgeData;
  readonly config: KnowledgeConfig;
  readonly prices: PriceList;
  readonly processingTimes: ProcessingTimes;
  readonly warnings: Warnings;
  readonly timelines: TimelineEstimates;
  readonly quotes: Quotes;
  readonly visas: Visas;
  readonly kbli: KbliCodes;
  readonly topics: Topics;
  readonly company: Company;

  constructor(config: KnowledgeConfig, runtime?: Runtime) {
    this.config = config;
    const data = loadKnowledge(config.ZANTARA_KNOWLEDGE_DIR);
    this.data = data;
    this.processingTimes = new ProcessingTimes(data);
    this.warnings = new Warnings(data);
    this.prices = new PriceList(data, this.processingTimes);
    this.timelines = new TimelineEstimates(this.processingTimes, this.warnings);
    this.quotes = new Quotes(data, this.prices, config.ZANTARA_QUOTE_VALIDITY_DAYS);
    this.visas = new Visas(data, this.prices, this.processingTimes, this.warnings);
    this.kbli = new KbliCodes(data, this.prices, runtime);
    this.topics = new Topics(data);
    this.company = new Company(data, {
      office: config.ZANTARA_OFFICE_ADDRESS,
      phone: config.ZANTARA_PHONE,
      hours: config.ZANTARA_HOURS,
    });
  }

  get priceList(): { title: string; source: string; last_updated: string; currency: 'IDR' } {
    return priceListInfo(this.data);
  }

  get disclaimer(): string {
    return this.data.priceMeta.disclaimer;
  }
  get verifyNote(): string {
    return this.data.priceMeta.verify_note;
  }
}

/** The knowledge base of a runtime, loaded (and validated) on first use. */
export const knowledgeService = defineService(
  'knowledge',
  (runtime) => new Knowledge(parseEnv(knowledgeEnv, runtime.env), runtime),
);
