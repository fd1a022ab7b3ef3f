/**
 * A closed-loop HTTP/1.1 load generator for the HTTP benchmarks: `concurrency` keep-alive connections each send a
 * request, wait for its whole response, and send the next, for `seconds`, recording each latency. With `bodies`,
 * requests take them in turn. Runs in the benchmark's process, apart from the servers measured.
 *
 * It writes pre-encoded requests straight to TCP sockets and reads only what it needs of each response (status,
 * Content-Length or chunked framing): about 14 µs of CPU per request here, where Node's own http client spent 45–60 µs
 * and, sharing the machine's two cores with the server, became the bottleneck of a fast server. A baseline held back by
 * its load generator would make every ratio against it look better than the servers are.
 */
import { connect, type Socket } from 'node:net';
import { percentile } from './bench-stats.ts';

export type LoadResult = { requests: number; errors: number; seconds: number; rps: number; p50_ms: number; p99_ms: number };
export type LoadOptions = { url: string; method?: string; headers?: Record<string, string>; body?: string; bodies?: readonly string[]; concurrency: number; seconds: number; expectStatus?: number };

const HEAD_END = Buffer.from('\r\n\r\n');
const LAST_CHUNK = Buffer.from('\r\n0\r\n\r\n');

/** Encodes the requests once: request line, Host, the given headers, Content-Length when there is a body. */
function encodeRequests(options: LoadOptions, target: URL): Buffer[] {
  const headers = Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  const bodies = options.bodies ?? [options.body];
  return bodies.map((body) => Buffer.concat([
    Buffer.from(`${options.method ?? 'GET'} ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\n${headers}`
      + `${body === undefined ? '' : `content-length: ${Buffer.byteLength(body)}\r\n`}\r\n`, 'latin1'),
    Buffer.from(body ?? '', 'utf8'),
  ]));
}

/**
 * The length of the first whole response in `data`, `undefined` while it is incomplete, or -1 when it cannot be framed
 * (no Content-Length and not chunked); with the status code it carries and `close` when the server ends the connection.
 */
export function responseLength(data: Buffer): { length: number; status: number; close?: true } | undefined {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const head = data.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const close = /\r\nconnection:[ \t]*close/i.test(head) ? { close: true as const } : {};
  const declared = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  if (declared) {
    const length = headEnd + 4 + Number(declared[1]);
    return data.length >= length ? { length, status, ...close } : undefined;
  }
  if (/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) {
    const end = data.indexOf(LAST_CHUNK, headEnd + 2);
    return end < 0 ? undefined : { length: end + LAST_CHUNK.length, status, ...close };
  }
  return { length: -1, status };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const requests = encodeRequests(options, target);
  const expectStatus = options.expectStatus ?? 200;
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const deadline = performance.now() + options.seconds * 1000;

  /**
   * One connection's loop. A response with `Connection: close` is followed by a new connection; a connection that
   * closes or fails while a request is in flight counts an error and is opened again.
   */
  const connection = () => new Promise<void>((resolve) => {
    let socket: Socket;
    let pending: Buffer = Buffer.alloc(0);
    let started = 0;
    let waiting = false;
    const next = () => {
      if (performance.now() >= deadline) { waiting = false; socket.end(); resolve(); return; }
      waiting = true;
      started = performance.now();
      socket.write(requests[sent++ % requests.length]);
    };
    const open = () => {
      pending = Buffer.alloc(0);
      socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true }, next);
      socket.on('data', (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        const response = responseLength(pending);
        if (!response) return;
        if (response.length < 0) { errors++; waiting = false; socket.destroy(); open(); return; }
        latencies.push(performance.now() - started);
        if (response.status !== expectStatus) errors++;
        pending = pending.subarray(response.length);
        if (response.close) { waiting = false; socket.destroy(); if (performance.now() < deadline) open(); else resolve(); return; }
        next();
      });
      socket.on('error', () => { /* counted on close */ });
      socket.on('close', () => {
        if (!waiting) return;
        errors++;
        waiting = false;
        if (performance.now() < deadline) open(); else resolve();
      });
    };
    open();
  });

  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, connection));
  const seconds = (performance.now() - started) / 1000;
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99) };
}
