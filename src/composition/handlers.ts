/** Every handler ZANTARA has, one import per category (composition root). The registry is built from this list alone. */
import type { AnyHandler } from '../handlers/handler.ts';
import { handlers as ai } from '../handlers/ai/index.ts';
import { handlers as workspace } from '../handlers/workspace/index.ts';
import { handlers as business } from '../handlers/business/index.ts';
import { handlers as memory } from '../handlers/memory/index.ts';
import { handlers as rag } from '../handlers/rag/index.ts';
import { handlers as communication } from '../handlers/communication/index.ts';
import { handlers as analytics } from '../handlers/analytics/index.ts';
import { handlers as intelligence } from '../handlers/intelligence/index.ts';
import { handlers as identity } from '../handlers/identity/index.ts';
import { handlers as maps } from '../handlers/maps/index.ts';
import { handlers as realtime } from '../handlers/realtime/index.ts';
import { handlers as admin } from '../handlers/admin/index.ts';

export const catalog: AnyHandler[] = [
  ...ai,
  ...workspace,
  ...business,
  ...memory,
  ...rag,
  ...communication,
  ...analytics,
  ...intelligence,
  ...identity,
  ...maps,
  ...realtime,
  ...admin,
];
