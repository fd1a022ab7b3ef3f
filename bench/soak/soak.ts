/**
 * `npm run soak`: the fault soak (see soak-run.ts), bounded to a few minutes. Options (env): SOAK_TURNS (default
 * 6000 turns in the memory phase), SOAK_KILLS (3), SOAK_CLIENTS (8), SOAK_PRIMARY_TIMEOUT_MS (1000), SOAK_FAULTS=0
 * (a healthy primary), SOAK_DATABASE_URL (PostgreSQL), SOAK_MEMORY_PROBE (a file for the server's memory figures).
 * Prints the figures as JSON and exits non-zero when an assertion of the soak fails.
 */
import { cpus } from 'node:os';
import { runSoak } from './soak-run.ts';
import { soakProblems } from './soak-checks.ts';

const options = {
  turns: Number(process.env.SOAK_TURNS ?? 6000),
  kills: Number(process.env.SOAK_KILLS ?? 3),
  clients: Number(process.env.SOAK_CLIENTS ?? 8),
  primaryTimeoutMs: Number(process.env.SOAK_PRIMARY_TIMEOUT_MS ?? 1000),
};
const result = await runSoak({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
const problems = soakProblems(result, { memory: true, latency: true });
const { rss, ...figures } = result;
const rssSummary = {
  start: rss[0],
  middle: rss[Math.floor(rss.length / 2)],
  end: rss.at(-1),
  max: Math.max(...rss),
  samples: rss.length,
};
console.log(
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model}`,
      node: process.version,
      options,
      ...figures,
      failed: figures.failed.slice(0, 10),
      failedCount: figures.failed.length,
      rss: rssSummary,
      problems,
    },
    null,
    2,
  ),
);
process.exitCode = problems.length ? 1 : 0;
