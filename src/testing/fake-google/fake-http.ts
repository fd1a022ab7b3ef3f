/**
 * A tiny loopback HTTP server for fakes of Google's APIs: routes by method and path pattern, records every request,
 * and can be told to fail the next matching requests (401, 429 with Retry-After, 500…).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The Workspace user the bearer token was issued for (set by the auth check). */
  user?: string;
};

export type FakeResponse = {
  status?: number;
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
};

export type FakeRoute = {
  method: string;
  pattern: RegExp;
  /** `bearer`: a token from the fake token endpoint; `api_key`: X-Goog-Api-Key; `none`: the token endpoint itself. */
  auth: 'bearer' | 'api_key' | 'none';
  handle(req: FakeRequest, match: RegExpMatchArray): FakeResponse | Promise<FakeResponse>;
};

export type Failure = {
  pathIncludes: string;
  method?: string;
  status: number;
  retryAfter?: string;
  times: number;
  message?: string;
};

export type RecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
  user?: string;
  status: number;
};

/** Google's JSON error body: `{ error: { code, message, status, errors: [{ reason }] } }`. */
export function googleError(code: number, message: string, status: string, reason?: string): FakeResponse {
  return {
    status: code,
    json: {
      error: { code, message, status, errors: [{ message, domain: 'global', reason: reason ?? status.toLowerCase() }] },
    },
  };
}

export const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  readonly #routes: FakeRoute[] = [];
  readonly #failures: Failure[] = [];
  #server?: Server;
  url = '';
  /** Decides who a bearer token belongs to; undefined means the token is unknown. */
  tokenOwner: (token: string) => string | undefined = () => undefined;
  apiKey = '';

  route(...routes: FakeRoute[]): this {
    this.#routes.push(...routes);
    return this;
  }

  /** The next `times` requests whose path contains `pathIncludes` answer `status` (with Retry-After for 429). */
  failNext(failure: Omit<Failure, 'times'> & { times?: number }): void {
    this.#failures.push({ times: 1, ...failure });
  }

  /** Requests recorded so far whose path contains `fragment`. */
  calls(fragment: string, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.includes(fragment) && (!method || r.method === method));
  }

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.#dispatch(req, Buffer.concat(chunks)).then(({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        });
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (!this.#server) return;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }

  async #dispatch(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: string | Buffer }> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    let response: FakeResponse;
    try {
      response = await this.#answer(request);
    } catch (error) {
      response =
        error instanceof FakeBadRequest
          ? googleError(400, error.message, 'INVALID_ARGUMENT', 'invalid')
          : googleError(500, `fake crashed: ${(error as Error).message}`, 'INTERNAL');
    }
    const status = response.status ?? 200;
    this.requests.push({
      method: request.method,
      path: request.path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: body.toString('utf8'),
      user: request.user,
      status,
    });
    const headers: Record<string, string> = { ...response.headers };
    let out: string | Buffer = '';
    if (response.json !== undefined) {
      headers['content-type'] ??= 'application/json; charset=UTF-8';
      out = JSON.stringify(response.json);
    } else if (response.body !== undefined) {
      out = response.body;
    }
    return { status, headers, body: out };
  }

  async #answer(req: FakeRequest): Promise<FakeResponse> {
    const candidates = this.#routes.filter((r) => r.pattern.test(req.path));
    if (!candidates.length)
      return googleError(404, `The requested URL ${req.path} was not found on this server.`, 'NOT_FOUND');
    const route = candidates.find((r) => r.method === req.method);
    if (!route) return googleError(405, `Method ${req.method} not allowed on ${req.path}.`, 'METHOD_NOT_ALLOWED');
    if (route.auth === 'bearer') {
      const header = req.headers.authorization ?? '';
      const token = /^Bearer (.+)$/.exec(header)?.[1];
      const user = token ? this.tokenOwner(token) : undefined;
      if (!user) {
        return {
          ...googleError(
            401,
            'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
            'UNAUTHENTICATED',
          ),
          headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
        };
      }
      req.user = user;
    } else if (route.auth === 'api_key') {
      const key = req.headers['x-goog-api-key'];
      if (!key || key !== this.apiKey)
        return googleError(403, 'The provided API key is invalid.', 'PERMISSION_DENIED', 'API_KEY_INVALID');
    }
    const failure = this.#failures.find(
      (f) => f.times > 0 && req.path.includes(f.pathIncludes) && (!f.method || f.method === req.method),
    );
    if (failure) {
      failure.times -= 1;
      const response = googleError(
        failure.status,
        failure.message ?? `Injected failure ${failure.status}.`,
        statusNames[failure.status] ?? 'UNKNOWN',
        failure.status === 429 ? 'rateLimitExceeded' : undefined,
      );
      if (failure.retryAfter) response.headers = { 'retry-after': failure.retryAfter };
      return response;
    }
    return route.handle(req, req.path.match(route.pattern)!);
  }
}

/** Parses a JSON request body, or answers 400 like Google does for a malformed payload. */
export function jsonBody<T = Record<string, unknown>>(req: FakeRequest): T {
  try {
    return JSON.parse(req.body.toString('utf8') || '{}') as T;
  } catch {
    throw new FakeBadRequest('Invalid JSON payload received.');
  }
}

export class FakeBadRequest extends Error {}
