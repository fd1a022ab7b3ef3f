import type { AnyHandler } from '../handler.ts';
import { aiChat } from './chat.ts';
import { systemHandlersSearch } from './handlers-search.ts';

/** The ai handlers. */
export const handlers: AnyHandler[] = [aiChat, systemHandlersSearch];
