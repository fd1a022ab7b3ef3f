import type { AnyHandler } from '../handler.ts';
import { baliZeroPricing } from './pricing.ts';
import { quoteGenerate } from './quote.ts';
import { documentChecklist, visaInfo } from './visa.ts';
import { kbliLookup, kbliRequirements } from './kbli.ts';
import { contactInfo, teamDepartments, teamGet, teamList, teamMemberRemove, teamMemberSave } from './team.ts';
import { timelineEstimate } from './timeline.ts';
import { leadList, leadSave } from './leads.ts';
import { leadSetStatus } from './lead-status.ts';
import { knowledgeTopic } from './topics.ts';

/** The business handlers: Bali Zero's facts (prices, quotes, visas, KBLI, team, timelines) and leads. */
export const handlers: AnyHandler[] = [
  baliZeroPricing,
  quoteGenerate,
  visaInfo,
  documentChecklist,
  kbliLookup,
  kbliRequirements,
  teamList,
  teamGet,
  teamDepartments,
  teamMemberSave,
  teamMemberRemove,
  contactInfo,
  timelineEstimate,
  knowledgeTopic,
  leadSave,
  leadList,
  leadSetStatus,
] as AnyHandler[];
