/**
 * `npm run bench:first-answer`: what a client feels right after a deploy or a restart — the time from starting
 * `src/main.ts` (PGlite, an existing data dir) to `/ready`, and how long the first chat message then takes (a
 * pricing question the local tier answers, no model configured), then a second message. With
 * BENCH_BASELINE_TREE=/path/to/another/checkout that tree is measured in the same alternating rounds, so a change is
 * compared with the code before it side by side. Options (env): BENCH_ROUNDS (default 5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_ADMIN_KEY, launch, readyMs, stop, zantaraEnv } from './server-process.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const trees = [
  ['this tree', new URL('..', import.meta.url).pathname],
  ...(process.env.BENCH_BASELINE_TREE ? [['baseline', process.env.BENCH_BASELINE_TREE]] : []),
] as const;
const QUESTION = 'how much is the E33G remote worker kitas?';

type Sample = { ready: number; first: number; second: number };

async function ask(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/v1/chat`, {
    method: 'POST',
    headers: { 'x-api-key': BENCH_ADMIN_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ message: QUESTION }),
  });
  const body = (await res.json()) as { response?: string; local?: boolean };
  if (res.status !== 200 || !body.response || !body.local)
    throw new Error(`chat failed: ${res.status} ${JSON.stringify(body)}`);
  return performance.now() - t0;
}

async function once(tree: string, dataDir: string): Promise<Sample> {
  const server = await launch(
    join(tree, 'src/main.ts'),
    { ...zantaraEnv(dataDir), LOG_LEVEL: 'warn' },
    `${dataDir}.log`,
  );
  try {
    const ready = await readyMs(server.url, server.t0);
    const first = await ask(server.url);
    return { ready, first, second: await ask(server.url) };
  } finally {
    await stop(server.child);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dirs = trees.map(() => mkdtempSync(join(tmpdir(), 'zantara-first-answer-')));
const samples: Sample[][] = trees.map(() => []);
try {
  for (const [i, [, tree]] of trees.entries()) await once(tree, dirs[i]); // first start: initdb, migrations, admin key
  for (let r = 0; r < rounds; r++)
    for (const [i, [, tree]] of trees.entries()) samples[i].push(await once(tree, dirs[i]));
} finally {
  for (const dir of dirs) {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.log`, { force: true });
  }
}
console.log(
  `# Restart to first answer — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, ` +
    `load ${loadavg()[0].toFixed(1)}, ${rounds} alternating rounds (medians)\n`,
);
console.log('| tree | start → /ready ms | first answer ms | second answer ms | start → first answer ms |');
console.log('|---|---|---|---|---|');
for (const [i, [name]] of trees.entries()) {
  const s = samples[i];
  const m = (f: (x: Sample) => number) => median(s.map(f)).toFixed(0);
  console.log(
    `| ${name} | ${m((x) => x.ready)} | ${m((x) => x.first)} | ${m((x) => x.second)} | ${m((x) => x.ready + x.first)} |`,
  );
}
