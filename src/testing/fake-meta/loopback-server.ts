/**
 * A loopback HTTP server for the messaging fakes (Meta, Slack, Discord): routes by method and path, records every
 * request, and can be told to answer the next requests with a scripted failure (401, 429 with Retry-After, 5xx)
 * or to hold a request (to kill a client mid-delivery).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type LoopbackRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  json?: unknown;
};
export type LoopbackAnswer = { status: number; headers?: Record<string, string>; body?: unknown };
export type LoopbackRoute = {
  method: string;
  pattern: RegExp;
  handle(req: LoopbackRequest, match: RegExpMatchArray): LoopbackAnswer | Promise<LoopbackAnswer>;
};

export class LoopbackServer {
  readonly requests: LoopbackRequest[] = [];
  readonly #routes: LoopbackRoute[] = [];
  readonly #scripted: LoopbackAnswer[] = [];
  #server?: Server;
  /** When set, requests wait this long before being handled (the request is recorded first). */
  holdMs = 0;
  url = '';

  route(...routes: LoopbackRoute[]): this {
    this.#routes.push(...routes);
    return this;
  }

  /** The next `count` matching requests get this answer instead of the normal one. */
  failNext(answer: LoopbackAnswer, count = 1): void {
    for (let i = 0; i < count; i++) this.#scripted.push(answer);
  }

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      void this.#handle(req, res);
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    if ((req.headers['content-type'] ?? '').includes('application/json') && body) {
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
    }
    const request: LoopbackRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json,
    };
    let answer: LoopbackAnswer;
    const route = this.#routes.find((r) => r.method === request.method && r.pattern.test(request.path));
    if (!route) answer = { status: 404, body: { error: `no fake route ${request.method} ${request.path}` } };
    else {
      this.requests.push(request);
      if (this.holdMs) await new Promise((resolve) => setTimeout(resolve, this.holdMs));
      answer = this.#scripted.shift() ?? (await route.handle(request, request.path.match(route.pattern)!));
    }
    const headers = { ...answer.headers };
    let payload = '';
    if (answer.body !== undefined) {
      if (typeof answer.body === 'string') {
        payload = answer.body;
        headers['content-type'] ??= 'text/plain; charset=utf-8';
      } else {
        payload = JSON.stringify(answer.body);
        headers['content-type'] ??= 'application/json; charset=utf-8';
      }
    }
    if (res.destroyed) return;
    res.writeHead(answer.status, headers);
    res.end(payload);
  }
}

export function bearerToken(req: LoopbackRequest): string | undefined {
  return /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
}
