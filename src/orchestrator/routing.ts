/**
 * The route policy: which provider chain answers a turn. `single` — one chain; `classify` — the query's class
 * picks the chain; `hybrid` — Google Workspace queries to one chain, the rest to another; `ab` — a weighted split,
 * sticky per principal (a hash of the principal id, never a random draw), the arm recorded on the trace.
 */
import { createHash } from 'node:crypto';
import type { OrchestratorConfig, QueryClass } from './config.ts';

export type RouteDecision = {
  /** e.g. `single`, `classify:knowledge`, `hybrid:workspace`, `ab:b`, `local`, `none`. */
  route: string;
  chain: string[];
  queryClass?: QueryClass;
  abArm?: string;
};

const CLASS_KEYWORDS: Array<[QueryClass, RegExp]> = [
  [
    'google_workspace',
    /\b(gmail|inbox|calendar|calendario|kalender|meeting|riunion[ei]|rapat|agenda|appuntament[oi]|jadwal|schedule|google|drive|docs?|document[oi]?|dokumen|sheets?|spreadsheet|foglio|slides?|presentazion[ei]|contacts?|rubrica|kontak)\b/giu,
  ],
  [
    'communication',
    /\b(send|invia|manda|mandare|inviare|kirim|kirimkan|message|messaggio|pesan|whatsapp|wa|instagram|telegram|slack|discord|reply|rispondi|balas|notify|notifica|email|e-mail|mail|sms|post)\b/giu,
  ],
  [
    'business_logic',
    /\b(price|prices|pricing|cost|costs|fee|fees|quote|quotation|invoice|prezz[oi]|cost[oi]|preventivo|tariff[ae]|fattura|harga|biaya|tarif|penawaran|faktur|kitas|kitap|visa|visto|voa|e33g|e28a|kbli|pt\s?pma|company|società|azienda|perusahaan|tax|tasse|pajak|npwp|lead|leads|budget|payment|pagamento|pembayaran)\b/giu,
  ],
];

/** The local keyword classifier: the class with the most keyword hits; `knowledge` when none. */
export function classifyQuery(message: string): QueryClass {
  let best: QueryClass = 'knowledge';
  let bestHits = 0;
  for (const [queryClass, pattern] of CLASS_KEYWORDS) {
    const hits = message.match(pattern)?.length ?? 0;
    if (hits > bestHits) {
      best = queryClass;
      bestHits = hits;
    }
  }
  return best;
}

/** A number in [0, 1) fixed for a principal: the first 48 bits of SHA-256 of its id. */
export function stickyFraction(principalId: string): number {
  const digest = createHash('sha256').update(principalId).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** Picks the arm whose cumulative weight share covers the principal's sticky fraction. */
export function pickArm<A extends { name: string; weight: number }>(arms: readonly A[], principalId: string): A {
  const total = arms.reduce((sum, a) => sum + a.weight, 0);
  const target = stickyFraction(principalId) * total;
  let cumulative = 0;
  for (const arm of arms) {
    cumulative += arm.weight;
    if (target < cumulative) return arm;
  }
  return arms[arms.length - 1];
}

/**
 * Decides the route for one query. `classifyWith` replaces the local classifier (e.g. the cheapest model) when the
 * policy asks for it; it should fall back to the local classifier itself on failure.
 */
export async function decideRoute(
  config: OrchestratorConfig,
  principalId: string,
  message: string,
  classifyWith?: (message: string) => Promise<QueryClass>,
): Promise<RouteDecision> {
  const policy = config.routing;
  switch (policy.mode) {
    case 'single':
      return { route: 'single', chain: policy.chain };
    case 'classify': {
      const queryClass =
        policy.classifier === 'model' && classifyWith ? await classifyWith(message) : classifyQuery(message);
      return { route: `classify:${queryClass}`, chain: policy.classes[queryClass], queryClass };
    }
    case 'hybrid': {
      const queryClass = classifyQuery(message);
      const workspace = queryClass === 'google_workspace';
      return {
        route: workspace ? 'hybrid:workspace' : 'hybrid:other',
        chain: workspace ? policy.workspace : policy.other,
        queryClass,
      };
    }
    case 'ab': {
      const arm = pickArm(policy.arms, principalId);
      return { route: `ab:${arm.name}`, chain: arm.chain, abArm: arm.name };
    }
    default:
      return { route: 'none', chain: [] };
  }
}
