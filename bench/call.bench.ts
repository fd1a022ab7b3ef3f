/**
 * `npm run bench:call`: /call throughput and p50/p99 latency for bali.zero.pricing with auth, validation and
 * logging on, against a bare Hono hello-world measured in the same run on the same machine (rounds alternate,
 * so drift hits both), and each server's own CPU time per request in those rounds (Linux). Also start-to-ready time
 * and idle RSS of `npm start`'s entry point. The load generator (bench/load.ts) is light enough that the hello-world,
 * not the generator, sets the baseline's pace.
 * Options (env): BENCH_SECONDS (default 5), BENCH_CONCURRENCY (default 32), BENCH_ROUNDS (default 3).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad, type LoadResult } from './load.ts';
import { BENCH_ADMIN_KEY as adminKey, cpuNanos, launch, PRICING_CALL as body, stop, zantaraEnv } from './server-process.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const root = new URL('..', import.meta.url).pathname;

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zantara-bench-'));
  const logFile = join(dataDir, '..', `${dataDir.split('/').at(-1)}.log`);
  const zantara = await launch(join(root, 'src/main.ts'), zantaraEnv(dataDir), logFile);
  // Start to ready: from spawn until /ready answers 200.
  while ((await fetch(`${zantara.url}/ready`).catch(() => undefined))?.status !== 200) await new Promise((r) => setTimeout(r, 5));
  const readyMs = performance.now() - zantara.t0;
  await new Promise((r) => setTimeout(r, 2000));
  const idleRss = rssMiB(zantara.child.pid!);
  const hello = await launch(join(root, 'bench/hello-server.ts'), {}, `${logFile}.hello`);
  const check = await fetch(`${zantara.url}/call`, { method: 'POST', headers: { 'x-api-key': adminKey, 'content-type': 'application/json' }, body });
  const answer = await check.text();
  if (check.status !== 200) throw new Error(`pricing call failed: ${check.status} ${answer}`);
  const floor = await launch(join(root, 'bench/post-floor-server.ts'), { FLOOR_BYTES: String(Buffer.byteLength(answer)) }, `${logFile}.floor`);

  // The same call repeated is answered from the kept result of a pure handler (src/handlers/pure-results.ts). To show
  // the cost when the handler runs every time, a second series sends 4096 distinct questions in turn — more than the
  // registry keeps (256 per handler), so every call runs in full (the matcher keeps only per-word scores).
  const bases = ['working kitas', 'KITAS lavoro', 'kitas kerja', 'E23 working', 'retirement kitas', 'investor kitas', 'PT PMA', 'NPWP'];
  const distinct = Array.from({ length: 4096 }, (_, i) => JSON.stringify({ key: 'bali.zero.pricing', params: { service_type: 'all', specific_service: `${bases[i % bases.length]} ${i}` } }));
  for (const probe of distinct.slice(0, bases.length)) {
    const res = await fetch(`${zantara.url}/call`, { method: 'POST', headers: { 'x-api-key': adminKey, 'content-type': 'application/json' }, body: probe });
    if (res.status !== 200) throw new Error(`pricing call failed: ${res.status} ${await res.text()}`);
  }
  const callHeaders = { 'x-api-key': adminKey, 'content-type': 'application/json' };
  const results: { hello: LoadResult[]; floor: LoadResult[]; call: LoadResult[]; helloAgain: LoadResult[]; distinct: LoadResult[] } = { hello: [], floor: [], call: [], helloAgain: [], distinct: [] };
  const cpuPerRequest: { hello: number[]; floor: number[]; call: number[] } = { hello: [], floor: [], call: [] };
  /** Runs one round and, where /proc exists, records the server's CPU µs per request in it. */
  const measured = async (pid: number, into: number[], options: Parameters<typeof runLoad>[0]): Promise<LoadResult> => {
    const before = cpuNanos(pid);
    const result = await runLoad(options);
    const after = cpuNanos(pid);
    if (before !== undefined && after !== undefined && result.requests > 0) into.push((after - before) / 1000 / result.requests);
    return result;
  };
  await runLoad({ url: `${hello.url}/`, concurrency, seconds: 1 }); // warm-up
  await runLoad({ url: `${floor.url}/call`, method: 'POST', headers: { 'content-type': 'application/json' }, body, concurrency, seconds: 1 });
  await runLoad({ url: `${zantara.url}/call`, method: 'POST', headers: callHeaders, body, concurrency, seconds: 1 });
  for (let i = 0; i < rounds; i++) {
    results.hello.push(await measured(hello.child.pid!, cpuPerRequest.hello, { url: `${hello.url}/`, concurrency, seconds }));
    results.floor.push(await measured(floor.child.pid!, cpuPerRequest.floor, { url: `${floor.url}/call`, method: 'POST', headers: { 'content-type': 'application/json' }, body, concurrency, seconds }));
    results.call.push(await measured(zantara.child.pid!, cpuPerRequest.call, { url: `${zantara.url}/call`, method: 'POST', headers: callHeaders, body, concurrency, seconds }));
  }
  // The distinct questions come second, with hello-world rounds of their own: they grow the server's heap (kept
  // results, per-word scores), which would otherwise weigh on the rounds of the main figure.
  await runLoad({ url: `${zantara.url}/call`, method: 'POST', headers: callHeaders, bodies: distinct, concurrency, seconds: 1 });
  for (let i = 0; i < rounds; i++) {
    results.helloAgain.push(await runLoad({ url: `${hello.url}/`, concurrency, seconds }));
    results.distinct.push(await runLoad({ url: `${zantara.url}/call`, method: 'POST', headers: callHeaders, bodies: distinct, concurrency, seconds }));
  }
  hello.child.kill('SIGTERM');
  floor.child.kill('SIGTERM');
  await stop(zantara.child);
  const logBytes = statSync(logFile).size;
  const accessLines = readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('"msg":"request"')).length;
  // A restart on the same data directory: what an operator sees after the first start.
  const again = await launch(join(root, 'src/main.ts'), zantaraEnv(dataDir), `${logFile}.restart`);
  while ((await fetch(`${again.url}/ready`).catch(() => undefined))?.status !== 200) await new Promise((r) => setTimeout(r, 5));
  const restartReadyMs = performance.now() - again.t0;
  await new Promise((r) => setTimeout(r, 2000));
  const restartRss = rssMiB(again.child.pid!);
  await stop(again.child);
  rmSync(dataDir, { recursive: true, force: true });
  for (const f of [logFile, `${logFile}.hello`, `${logFile}.floor`, `${logFile}.restart`]) rmSync(f, { force: true });

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = (rs: LoadResult[]) => ({ rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50_ms)), p99: median(rs.map((r) => r.p99_ms)), errors: rs.reduce((n, r) => n + r.errors, 0) });
  const h = summary(results.hello);
  const c = summary(results.call);
  const fl = summary(results.floor);
  const h2 = summary(results.helloAgain);
  const d = summary(results.distinct);
  const fmt = (n: number) => n.toFixed(2);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${new Date().toISOString()}`);
  console.log(`load: ${concurrency} keep-alive connections, ${rounds} alternating rounds of ${seconds} s each (medians shown)`);
  console.log('| server | req/s | p50 ms | p99 ms | errors |');
  console.log('|---|---|---|---|---|');
  console.log(`| bare Hono hello-world (GET /) | ${h.rps.toFixed(0)} | ${fmt(h.p50)} | ${fmt(h.p99)} | ${h.errors} |`);
  console.log(`| floor: Hono POST /call that only reads the body and sends as many bytes (bench/post-floor-server.ts) | ${fl.rps.toFixed(0)} | ${fmt(fl.p50)} | ${fmt(fl.p99)} | ${fl.errors} |`);
  console.log(`| ZANTARA POST /call bali.zero.pricing, one question repeated (auth, zod, pino, metrics; kept result) | ${c.rps.toFixed(0)} | ${fmt(c.p50)} | ${fmt(c.p99)} | ${c.errors} |`);
  console.log(`| bare Hono hello-world (GET /), rounds beside the distinct questions | ${h2.rps.toFixed(0)} | ${fmt(h2.p50)} | ${fmt(h2.p99)} | ${h2.errors} |`);
  console.log(`| ZANTARA POST /call bali.zero.pricing, 4096 distinct questions in turn (handler runs every call) | ${d.rps.toFixed(0)} | ${fmt(d.p50)} | ${fmt(d.p99)} | ${d.errors} |`);
  const served = [...results.call, ...results.distinct].reduce((n, r) => n + r.requests, 0);
  console.log(`logging: LOG_LEVEL=info to a file; ${accessLines} access lines (${(logBytes / 1024 / 1024).toFixed(1)} MiB) for ${served} measured requests and the warm-up rounds`);
  console.log(`ratio (ZANTARA req/s ÷ hello req/s): ${(c.rps / h.rps).toFixed(2)} for the repeated question (target ≥ 0.6); ${(d.rps / h2.rps).toFixed(2)} with distinct questions`);
  console.log(`floor ÷ hello req/s: ${(fl.rps / h.rps).toFixed(2)} (a POST with this answer on the same framework, none of ZANTARA's work); ZANTARA ÷ floor: ${(c.rps / fl.rps).toFixed(2)}`);
  if (cpuPerRequest.call.length) {
    const hu = median(cpuPerRequest.hello);
    const fu = median(cpuPerRequest.floor);
    const cu = median(cpuPerRequest.call);
    console.log(`server CPU per request (all threads, from /proc/PID/task/*/schedstat; medians of the main rounds): hello-world ${hu.toFixed(1)} µs, floor ${fu.toFixed(1)} µs, /call ${cu.toFixed(1)} µs — hello ÷ /call ${(hu / cu).toFixed(2)}, hello ÷ floor ${(hu / fu).toFixed(2)}`);
  }
  console.log(`start to ready (spawn → /ready 200, PGlite): first start on an empty data dir (initdb + migrations) ${readyMs.toFixed(0)} ms; restart ${restartReadyMs.toFixed(0)} ms`);
  console.log(`idle RSS 2 s after ready: first start ${idleRss.toFixed(0)} MiB; restart ${restartRss.toFixed(0)} MiB`);
}

main().catch((error) => { console.error(error); process.exit(1); });
