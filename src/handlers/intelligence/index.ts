import type { AnyHandler } from '../handler.ts';
import {
  intelligenceLanguage,
  intelligenceSummarize,
  intelligenceUrgency,
  permitExpiriesHandler,
  taxDeadlines,
} from './intelligence-handlers.ts';

/** The intelligence handlers. */
export const handlers: AnyHandler[] = [
  intelligenceUrgency,
  intelligenceLanguage,
  intelligenceSummarize,
  taxDeadlines,
  permitExpiriesHandler,
] as AnyHandler[];
