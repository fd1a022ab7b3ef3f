/** Server processes for the HTTP benchmarks: started with their logs going to a file, stopped with SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';

/** The admin key the benchmarks give ZANTARA (ZANTARA_ADMIN_KEY); a benchmark-only value, never a default. */
export const BENCH_ADMIN_KEY = `zt_bench_${'x'.repeat(40)}`;

/** The /call every HTTP benchmark sends: a pricing question whose answer is about 2.7 KB. */
export const PRICING_CALL = JSON.stringify({
  key: 'bali.zero.pricing',
  params: { service_type: 'kitas', specific_service: 'working kitas' },
});

/**
 * Environment for `src/main.ts` under load: its own data dir, the bench key, access lines on (BENCH_LOG_LEVEL=warn
 * turns them off, to see what they cost), no rate limit in the way.
 */
export function zantaraEnv(dataDir: string): Record<string, string> {
  return {
    ZANTARA_DATA_DIR: dataDir,
    ZANTARA_ADMIN_KEY: BENCH_ADMIN_KEY,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    ZANTARA_RATE_LIMITS: 'read=100000000/60',
  };
}

/**
 * Starts `node SCRIPT` on a free loopback port with its stdout and stderr going to a log file, as a service manager
 * would, so the load generator never spends its CPU reading the server's logs; waits for the listening line there.
 * `t0` is when the process was spawned.
 */
export async function launch(
  script: string,
  env: Record<string, string>,
  logFile: string,
): Promise<{ child: ChildProcess; url: string; t0: number }> {
  const t0 = performance.now();
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  for (;;) {
    const output = readFileSync(logFile, 'utf8');
    const match = output.match(/listening on (http:\/\/[\d.:]+) \(store: \w+\)\n|listening on (http:\/\/[\d.:]+)\n/);
    if (match) return { child, url: match[1] ?? match[2], t0 };
    if (exited !== undefined) throw new Error(`${script} exited ${exited}: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * CPU time every thread of the process has used so far, in nanoseconds (/proc/PID/task/TID/schedstat), or
 * `undefined` where there is no /proc (not Linux).
 */
export function cpuNanos(pid: number): number | undefined {
  if (!existsSync(`/proc/${pid}/task`)) return undefined;
  let total = 0;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      /* thread ended */
    }
  }
  return total;
}

/** Milliseconds from `t0` (the spawn) until `/ready` answers 200, polling every 5 ms. */
export async function readyMs(url: string, t0: number): Promise<number> {
  while ((await fetch(`${url}/ready`).catch(() => undefined))?.status !== 200)
    await new Promise((r) => setTimeout(r, 5));
  return performance.now() - t0;
}
