/** The soak's assertions, as a list of what went wrong (empty when the soak passed). */
import type { SoakResult } from './soak-run.ts';

export function soakProblems(r: SoakResult, check: { memory: boolean; latency: boolean }): string[] {
  const problems: string[] = [];
  if (r.failed.length)
    problems.push(
      `${r.failed.length} turns failed while the fallback was healthy (first: ${r.failed[0].status} ${r.failed[0].error})`,
    );
  if (r.lost.length)
    problems.push(`${r.lost.length} answered turns are missing or incomplete in the store (first: ${r.lost[0]})`);
  if (r.duplicated.length) problems.push(`${r.duplicated.length} turns are stored more than once`);
  if (r.usageClients !== r.usageStored)
    problems.push(`usage differs: clients saw ${r.usageClients} tokens, the store has ${r.usageStored}`);
  if (r.killedAfterAnswer !== r.kills) problems.push(`only ${r.killedAfterAnswer} of ${r.kills} kills happened`);
  if (r.primaryRequests === 0 || r.fallbackRequests === 0) problems.push('both providers should have been called');
  if (check.latency && r.p99_ms > r.p99_bound_ms)
    problems.push(`p99 ${r.p99_ms} ms is above the bound of ${r.p99_bound_ms} ms`);
  if (check.memory && r.rssGrowthLastHalf > 0.1)
    problems.push(`RSS grew ${(r.rssGrowthLastHalf * 100).toFixed(1)}% over the last half`);
  return problems;
}
