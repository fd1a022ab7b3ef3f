/**
 * `npm run bench:call-cpu`: the server's own CPU time per /call (utime + stime of the server process, all threads, from
 * /proc/PID/stat, divided by the requests it served), which varies far less on a shared VM than req/s does. Use it to
 * compare a change with the code before it: check the old code out beside this one and list both trees; rounds
 * alternate between them (each round starting with the next tree), each in a fresh server, and medians are printed.
 * Differences under about 4 µs were within the noise on our 2-vCPU VM (an identical copy measured 3 µs apart).
 * Options (env): BENCH_ROOTS (comma-separated trees; default this one), BENCH_ROUNDS (default 4), BENCH_SECONDS (2).
 * Linux only (/proc).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from './load.ts';
import { launch, stop } from './server-process.ts';

const roots = (process.env.BENCH_ROOTS ?? new URL('..', import.meta.url).pathname).split(',');
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const adminKey = `zt_bench_${'x'.repeat(40)}`;
const body = JSON.stringify({ key: 'bali.zero.pricing', params: { service_type: 'kitas', specific_service: 'working kitas' } });

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (1/100 s)
}

async function measure(root: string): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'zantara-cpu-'));
  const logFile = join(dir, 'server.log');
  const { child, url } = await launch(join(root, 'src/main.ts'),
    { ZANTARA_DATA_DIR: join(dir, 'data'), ZANTARA_ADMIN_KEY: adminKey, LOG_LEVEL: 'info', ZANTARA_RATE_LIMITS: 'read=100000000/60' }, logFile);
  try {
    const load = { url: `${url}/call`, method: 'POST', headers: { 'x-api-key': adminKey, 'content-type': 'application/json' }, body, concurrency: 32 };
    await runLoad({ ...load, seconds: 2 }); // warm-up
    const perRequest: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = cpuTicks(child.pid!);
      const result = await runLoad({ ...load, seconds });
      if (result.errors) throw new Error(`${result.errors} failed requests`);
      perRequest.push(((cpuTicks(child.pid!) - before) * 10_000) / result.requests); // ticks → µs
    }
    return perRequest;
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

const samples = new Map<string, number[]>(roots.map((root) => [root, []]));
for (let round = 0; round < rounds; round++) {
  // Each round starts with the next tree: the first server of a round measured a few µs higher whatever its code.
  for (let i = 0; i < roots.length; i++) {
    const root = roots[(round + i) % roots.length];
    samples.get(root)!.push(...await measure(root));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`server CPU per /call (bali.zero.pricing, 32 connections, ${rounds} rounds × 3 × ${seconds} s), ${new Date().toISOString()}`);
for (const [root, xs] of samples) console.log(`${root}: median ${median(xs).toFixed(1)} µs, min ${Math.min(...xs).toFixed(1)} µs (n=${xs.length})`);
