/**
 * `npm run bench:call`: what a user of the HTTP API feels — start-up time and idle memory of `npm start`'s entry point,
 * and /call throughput and p50/p99 latency for bali.zero.pricing (auth, validation, logging on) beside a bare Hono
 * hello-world measured in the same run (rounds alternate, so drift hits both). Load comes from autocannon, in this
 * process, sharing the machine's cores with the servers.
 * With BENCH_BASELINE_TREE=/path/to/another/checkout, that tree's server is started too and measured in the same
 * alternating rounds (start-up, memory, /call), so a change is compared with the code before it side by side.
 * Options (env): BENCH_SECONDS (default 5), BENCH_CONCURRENCY (default 32), BENCH_ROUNDS (default 3).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  BENCH_ADMIN_KEY as adminKey,
  launch,
  PRICING_CALL as body,
  readyMs,
  stop,
  zantaraEnv,
} from './server-process.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const root = new URL('..', import.meta.url).pathname;
const baselineTree = process.env.BENCH_BASELINE_TREE;

type Load = { rps: number; p50: number; p99: number; failed: number };

async function load(url: string, options: Partial<autocannon.Options> = {}): Promise<Load> {
  const result = await autocannon({ url, connections: concurrency, duration: seconds, ...options });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.errors + result.non2xx,
  };
}

function rssMiB(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zantara-bench-'));
  const logFile = `${dataDir}.log`;
  const zantara = await launch(join(root, 'src/main.ts'), zantaraEnv(dataDir), logFile);
  const firstReady = await readyMs(zantara.url, zantara.t0);
  await new Promise((r) => setTimeout(r, 2000));
  const firstRss = rssMiB(zantara.child.pid!);
  const baseDir = baselineTree ? mkdtempSync(join(tmpdir(), 'zantara-bench-base-')) : undefined;
  const base = baselineTree
    ? await launch(join(baselineTree, 'src/main.ts'), zantaraEnv(baseDir!), `${logFile}.base`)
    : undefined;
  const baseReady = base ? await readyMs(base.url, base.t0) : undefined;
  if (base) await new Promise((r) => setTimeout(r, 2000));
  const baseRss = base ? rssMiB(base.child.pid!) : undefined;
  const hello = await launch(join(root, 'bench/hello-server.ts'), {}, `${logFile}.hello`);
  const call = {
    method: 'POST' as const,
    headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
    body,
  };
  const check = await fetch(`${zantara.url}/call`, call);
  if (check.status !== 200) throw new Error(`pricing call failed: ${check.status} ${await check.text()}`);

  // The same question repeated is answered from a pure handler's kept result; 4096 distinct questions (more than the
  // 256 it keeps) make the handler run on every call.
  const bases = [
    'working kitas',
    'KITAS lavoro',
    'kitas kerja',
    'E23 working',
    'retirement kitas',
    'investor kitas',
    'PT PMA',
    'NPWP',
  ];
  const distinct = Array.from({ length: 4096 }, (_, i) => ({
    ...call,
    body: JSON.stringify({
      key: 'bali.zero.pricing',
      params: { service_type: 'all', specific_service: `${bases[i % bases.length]} ${i}` },
    }),
  }));
  const runs: Record<'hello' | 'call' | 'distinct' | 'base', Load[]> = { hello: [], call: [], distinct: [], base: [] };
  await load(`${hello.url}/`, { duration: 1 }); // warm-up
  await load(`${zantara.url}/call`, { ...call, duration: 1 });
  for (let i = 0; i < rounds; i++) {
    runs.hello.push(await load(`${hello.url}/`));
    runs.call.push(await load(`${zantara.url}/call`, call));
    if (base) runs.base.push(await load(`${base.url}/call`, call));
  }
  // The distinct questions come after: they grow the server's heap (kept results, per-word scores), which would
  // otherwise weigh on the rounds of the repeated question, and not on the baseline tree's.
  for (let i = 0; i < rounds; i++) runs.distinct.push(await load(`${zantara.url}/call`, { requests: distinct }));
  hello.child.kill('SIGTERM');
  if (base) await stop(base.child);
  if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  await stop(zantara.child);
  const again = await launch(join(root, 'src/main.ts'), zantaraEnv(dataDir), `${logFile}.restart`);
  const restartReady = await readyMs(again.url, again.t0);
  await new Promise((r) => setTimeout(r, 2000));
  const restartRss = rssMiB(again.child.pid!);
  await stop(again.child);
  rmSync(dataDir, { recursive: true, force: true });
  for (const f of [logFile, `${logFile}.hello`, `${logFile}.restart`, `${logFile}.base`]) rmSync(f, { force: true });

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const row = (name: string, rs: Load[]) =>
    `| ${name} | ${median(rs.map((r) => r.rps)).toFixed(0)} | ${median(rs.map((r) => r.p50))} | ` +
    `${median(rs.map((r) => r.p99))} | ${rs.reduce((n, r) => n + r.failed, 0)} |`;
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${new Date().toISOString()}`);
  console.log(`load: autocannon, ${concurrency} connections, ${rounds} alternating rounds of ${seconds} s (medians)`);
  console.log('| server | req/s | p50 ms | p99 ms | failed |\n|---|---|---|---|---|');
  console.log(row('bare Hono hello-world (GET /)', runs.hello));
  console.log(row('ZANTARA POST /call bali.zero.pricing, one question repeated', runs.call));
  console.log(row('ZANTARA POST /call bali.zero.pricing, 4096 distinct questions', runs.distinct));
  if (base) console.log(row(`baseline tree ${baselineTree}: POST /call, one question repeated`, runs.base));
  const ratio = (rs: Load[]) => (median(rs.map((r) => r.rps)) / median(runs.hello.map((r) => r.rps))).toFixed(2);
  console.log(`ratio to hello-world: ${ratio(runs.call)} repeated, ${ratio(runs.distinct)} distinct`);
  console.log(
    `start to ready (spawn → /ready 200, PGlite): first start ${firstReady.toFixed(0)} ms, restart ${restartReady.toFixed(0)} ms`,
  );
  console.log(`idle RSS 2 s after ready: first start ${firstRss.toFixed(0)} MiB, restart ${restartRss.toFixed(0)} MiB`);
  if (base) {
    const perBase = median(runs.call.map((r) => r.rps)) / median(runs.base.map((r) => r.rps));
    console.log(
      `baseline tree: first start to ready ${baseReady!.toFixed(0)} ms, idle RSS ${baseRss!.toFixed(0)} MiB; /call req/s this ÷ baseline ${perBase.toFixed(2)}`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
