/**
 * A small closed-loop HTTP load generator for benchmarks: `concurrency` keep-alive connections send requests
 * back to back for `seconds`, recording each latency. With `bodies`, requests take them in turn. Runs in its own process, apart from the server measured.
 */
import http from 'node:http';
import { percentile } from './bench-stats.ts';

export type LoadResult = { requests: number; errors: number; seconds: number; rps: number; p50_ms: number; p99_ms: number };

export async function runLoad(options: { url: string; method?: string; headers?: Record<string, string>; body?: string; bodies?: readonly string[]; concurrency: number; seconds: number; expectStatus?: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(options.url);
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + options.seconds * 1000;
  let sent = 0;
  const one = () => new Promise<void>((resolve) => {
    const body = options.bodies ? options.bodies[sent++ % options.bodies.length] : options.body;
    const started = performance.now();
    const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: options.method ?? 'GET',
      headers: { ...options.headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== (options.expectStatus ?? 200)) errors++;
        latencies.push(performance.now() - started);
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body); // headers and body in one write
  });
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, async () => { while (performance.now() < deadline) await one(); }));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99) };
}
