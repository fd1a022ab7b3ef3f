/** Every handler ZANTARA has, one import per category. The registry is built from this list alone. */
import type { AnyHandler } from './handler.ts';
import { handlers as ai } from './ai/index.ts';
import { handlers as workspace } from './workspace/index.ts';
import { handlers as business } from './business/index.ts';
import { handlers as memory } from './memory/index.ts';
import { handlers as rag } from './rag/index.ts';
import { handlers as communication } from './communication/index.ts';
import { handlers as analytics } from './analytics/index.ts';
import { handlers as intelligence } from './intelligence/index.ts';
import { handlers as identity } from './identity/index.ts';
import { handlers as maps } from './maps/index.ts';
import { handlers as realtime } from './realtime/index.ts';
import { handlers as admin } from './admin/index.ts';

export const catalog: AnyHandler[] = [
  ...ai, ...workspace, ...business, ...memory, ...rag, ...communication, ...analytics, ...intelligence,
  ...identity, ...maps, ...realtime, ...admin,
];
