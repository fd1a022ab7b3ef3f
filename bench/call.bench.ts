/**
 * `npm run bench:call`: /call throughput and p50/p99 latency for bali.zero.pricing with auth, validation and
 * logging on, against a bare Hono hello-world measured in the same run on the same machine (rounds alternate,
 * so drift hits both). Also start-to-ready time and idle RSS of `npm start`'s entry point.
 * Options (env): BENCH_SECONDS (default 5), BENCH_CONCURRENCY (default 32), BENCH_ROUNDS (default 3).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad, type LoadResult } from './load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const root = new URL('..', import.meta.url).pathname;

async function launch(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string; t0: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, script)], { env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = output.match(/listening on (http:\/\/[\d.:]+)/);
      if (match && (!output.includes('First start') || /zt_\S{40,}/.test(output))) { clearInterval(timer); resolve(match[1]); }
    }, 5);
    child.once('exit', (code) => { clearInterval(timer); reject(new Error(`${script} exited ${code}: ${output}`)); });
  });
  return { child, url, output: () => output, t0 };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zantara-bench-'));
  const adminKey = `zt_bench_${'x'.repeat(40)}`;
  const zantara = await launch('src/main.ts', { ZANTARA_DATA_DIR: dataDir, ZANTARA_ADMIN_KEY: adminKey, LOG_LEVEL: 'info', ZANTARA_RATE_LIMITS: 'read=100000000/60' });
  // Start to ready: from spawn until /ready answers 200.
  while ((await fetch(`${zantara.url}/ready`).catch(() => undefined))?.status !== 200) await new Promise((r) => setTimeout(r, 5));
  const readyMs = performance.now() - zantara.t0;
  await new Promise((r) => setTimeout(r, 2000));
  const idleRss = rssMiB(zantara.child.pid!);
  // Logs go to a pipe we drain, as they would to a log collector.
  zantara.child.stdout!.removeAllListeners('data');
  zantara.child.stdout!.resume();

  const hello = await launch('bench/hello-server.ts', {});
  const body = JSON.stringify({ key: 'bali.zero.pricing', params: { service_type: 'kitas', specific_service: 'working kitas' } });
  const check = await fetch(`${zantara.url}/call`, { method: 'POST', headers: { 'x-api-key': adminKey, 'content-type': 'application/json' }, body });
  if (check.status !== 200) throw new Error(`pricing call failed: ${check.status} ${await check.text()}`);

  const results: { hello: LoadResult[]; call: LoadResult[] } = { hello: [], call: [] };
  await runLoad({ url: `${hello.url}/`, concurrency, seconds: 1 }); // warm-up
  await runLoad({ url: `${zantara.url}/call`, method: 'POST', headers: { 'x-api-key': adminKey, 'content-type': 'application/json' }, body, concurrency, seconds: 1 });
  for (let i = 0; i < rounds; i++) {
    results.hello.push(await runLoad({ url: `${hello.url}/`, concurrency, seconds }));
    results.call.push(await runLoad({ url: `${zantara.url}/call`, method: 'POST', headers: { 'x-api-key': adminKey, 'content-type': 'application/json' }, body, concurrency, seconds }));
  }
  hello.child.kill('SIGTERM');
  await stop(zantara.child);
  // A restart on the same data directory: what an operator sees after the first start.
  const again = await launch('src/main.ts', { ZANTARA_DATA_DIR: dataDir, ZANTARA_ADMIN_KEY: adminKey, LOG_LEVEL: 'info' });
  while ((await fetch(`${again.url}/ready`).catch(() => undefined))?.status !== 200) await new Promise((r) => setTimeout(r, 5));
  const restartReadyMs = performance.now() - again.t0;
  await new Promise((r) => setTimeout(r, 2000));
  const restartRss = rssMiB(again.child.pid!);
  await stop(again.child);
  rmSync(dataDir, { recursive: true, force: true });

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = (rs: LoadResult[]) => ({ rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50_ms)), p99: median(rs.map((r) => r.p99_ms)), errors: rs.reduce((n, r) => n + r.errors, 0) });
  const h = summary(results.hello);
  const c = summary(results.call);
  const fmt = (n: number) => n.toFixed(2);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${new Date().toISOString()}`);
  console.log(`load: ${concurrency} keep-alive connections, ${rounds} alternating rounds of ${seconds} s each (medians shown)`);
  console.log('| server | req/s | p50 ms | p99 ms | errors |');
  console.log('|---|---|---|---|---|');
  console.log(`| bare Hono hello-world (GET /) | ${h.rps.toFixed(0)} | ${fmt(h.p50)} | ${fmt(h.p99)} | ${h.errors} |`);
  console.log(`| ZANTARA POST /call bali.zero.pricing (auth, zod, pino, metrics) | ${c.rps.toFixed(0)} | ${fmt(c.p50)} | ${fmt(c.p99)} | ${c.errors} |`);
  console.log(`ratio (ZANTARA req/s ÷ hello req/s): ${(c.rps / h.rps).toFixed(2)}  (target ≥ 0.6)`);
  console.log(`start to ready (spawn → /ready 200, PGlite): first start on an empty data dir (initdb + migrations) ${readyMs.toFixed(0)} ms; restart ${restartReadyMs.toFixed(0)} ms`);
  console.log(`idle RSS 2 s after ready: first start ${idleRss.toFixed(0)} MiB; restart ${restartRss.toFixed(0)} MiB`);
}

main().catch((error) => { console.error(error); process.exit(1); });
