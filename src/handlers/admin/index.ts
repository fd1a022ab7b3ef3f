import type { AnyHandler } from '../handler.ts';
import { keysCreate, keysList, keysRevoke } from './keys.ts';
import { systemHandlersGet, systemHandlersList } from './system-handlers.ts';
import { systemConfig } from './system-config.ts';
import { auditList } from './audit.ts';
import { knowledgeFreshness } from './knowledge-freshness.ts';

export const handlers: AnyHandler[] = [
  keysCreate,
  keysList,
  keysRevoke,
  systemHandlersList,
  systemHandlersGet,
  systemConfig,
  auditList,
  knowledgeFreshness,
] as AnyHandler[];
