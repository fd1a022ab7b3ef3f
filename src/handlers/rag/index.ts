import type { AnyHandler } from '../handler.ts';
import { ragQuery, ragSearch } from './rag-handlers.ts';

/** The rag handlers. */
export const handlers: AnyHandler[] = [ragSearch, ragQuery] as AnyHandler[];
