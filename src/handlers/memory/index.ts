import type { AnyHandler } from '../handler.ts';
import { memoryDelete, memoryForget, memoryList, memoryRetrieve, memorySave, memorySearch } from './memory-handlers.ts';

/** The memory handlers. */
export const handlers: AnyHandler[] = [
  memorySave,
  memoryRetrieve,
  memorySearch,
  memoryList,
  memoryDelete,
  memoryForget,
] as AnyHandler[];
