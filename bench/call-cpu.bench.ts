/**
 * `npm run bench:call-cpu`: the server's own CPU time per /call, to compare a change with the code before it. Check the
 * old code out beside this one and list both trees; a tree may carry settings for its server after `|`
 * (`/path/to/tree|LOG_LEVEL=silent`). All servers run side by side; short bursts of load alternate between them
 * (each round starting with the next server), and each burst's CPU per request is the server's CPU time (all
 * threads, from /proc/PID/task/TID/schedstat, nanoseconds) divided by the requests it served. A server's figure is the
 * median over bursts, and its ratio to the first server is the median of the per-round ratios, which cancels most of
 * a shared VM's drift: single runs here varied by 10–20%, paired ratios by a few per cent.
 * Options (env): BENCH_ROOTS (comma-separated trees; default this one), BENCH_PAIRS (rounds, default 40),
 * BENCH_SECONDS (burst length, default 0.5). Linux only (/proc).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from './load.ts';
import { BENCH_ADMIN_KEY as adminKey, cpuNanos, launch, PRICING_CALL as body, stop, zantaraEnv } from './server-process.ts';

if (cpuNanos(process.pid) === undefined) { console.error('bench:call-cpu reads /proc: Linux only.'); process.exit(1); }
const specs = (process.env.BENCH_ROOTS ?? new URL('..', import.meta.url).pathname).split(',');
const rounds = Number(process.env.BENCH_PAIRS ?? 40);
const seconds = Number(process.env.BENCH_SECONDS ?? 0.5);

const dirs: string[] = [];
const servers = [];
for (const spec of specs) {
  const [root, ...settings] = spec.split('|');
  const dir = mkdtempSync(join(tmpdir(), 'zantara-cpu-'));
  dirs.push(dir);
  const env = { ...zantaraEnv(join(dir, 'data')),
    ...Object.fromEntries(settings.map((setting) => [setting.slice(0, setting.indexOf('=')), setting.slice(setting.indexOf('=') + 1)])) };
  servers.push(await launch(join(root, 'src/main.ts'), env, join(dir, 'server.log')));
}
try {
  const load = (url: string) => ({ url: `${url}/call`, method: 'POST', headers: { 'x-api-key': adminKey, 'content-type': 'application/json' }, body, concurrency: 32 });
  for (const server of servers) await runLoad({ ...load(server.url), seconds: 2 }); // warm-up
  const perRequest: number[][] = servers.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < servers.length; i++) {
      const k = (round + i) % servers.length;
      const before = cpuNanos(servers[k].child.pid!)!;
      const result = await runLoad({ ...load(servers[k].url), seconds });
      if (result.errors) throw new Error(`${specs[k]}: ${result.errors} failed requests`);
      perRequest[k].push((cpuNanos(servers[k].child.pid!)! - before) / 1000 / result.requests);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const quartiles = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return `${s[Math.floor(s.length / 4)].toFixed(3)}–${s[Math.floor((3 * s.length) / 4)].toFixed(3)}`; };
  console.log(`server CPU per /call (bali.zero.pricing, 32 connections, ${rounds} rounds of ${seconds} s bursts), ${new Date().toISOString()}`);
  perRequest.forEach((xs, k) => {
    const ratios = xs.map((x, round) => x / perRequest[0][round]);
    console.log(`${specs[k]}: median ${median(xs).toFixed(1)} µs; ratio to the first ${median(ratios).toFixed(3)} (quartiles ${quartiles(ratios)})`);
  });
} finally {
  for (const server of servers) await stop(server.child);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
