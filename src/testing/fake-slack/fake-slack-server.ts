import {
  bearerToken,
  LoopbackServer,
  type LoopbackAnswer,
  type LoopbackRequest,
} from '../fake-meta/loopback-server.ts';

export type SlackPosted = {
  channel: string;
  ts: string;
  text: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
};

/**
 * Slack's Web API as ZANTARA uses it: `POST /api/chat.postMessage` (Bearer bot token, JSON), `GET
 * /api/conversations.history` (with `include_all_metadata`), and incoming webhooks `POST /services/T/B/X`.
 * Web API errors are HTTP 200 with `{ ok: false, error }`; rate limits are HTTP 429 with Retry-After.
 */
export class FakeSlackServer extends LoopbackServer {
  readonly posted: SlackPosted[] = [];
  readonly webhookPosts: Array<{ hook: string; text: string }> = [];
  readonly token: string;
  readonly channels: Set<string>;
  readonly hooks: Set<string>;
  #tick = 0;

  constructor(options: { token?: string; channels?: string[]; hooks?: string[] } = {}) {
    super();
    this.token = options.token ?? 'fake-slack-bot-token';
    this.channels = new Set(options.channels ?? ['C0OPS', 'C0ALERTS']);
    this.hooks = new Set(options.hooks ?? ['T000/B000/XXXX']);
    this.route(
      { method: 'POST', pattern: /^\/api\/chat\.postMessage$/, handle: (req) => this.#post(req) },
      { method: 'GET', pattern: /^\/api\/conversations\.history$/, handle: (req) => this.#history(req) },
      { method: 'POST', pattern: /^\/services\/(.+)$/, handle: (req, m) => this.#hook(req, m[1]) },
    );
  }

  #auth(req: LoopbackRequest): LoopbackAnswer | undefined {
    const token = bearerToken(req);
    if (!token) return { status: 200, body: { ok: false, error: 'not_authed' } };
    if (token !== this.token) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    return undefined;
  }

  #post(req: LoopbackRequest): LoopbackAnswer {
    const denied = this.#auth(req);
    if (denied) return denied;
    if (!String(req.headers['content-type']).startsWith('application/json'))
      return { status: 200, body: { ok: false, error: 'invalid_arguments' } };
    const body = req.json as { channel?: string; text?: string; metadata?: SlackPosted['metadata'] } | undefined;
    if (!body?.channel || !this.channels.has(body.channel))
      return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    if (!body.text) return { status: 200, body: { ok: false, error: 'no_text' } };
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.#tick).padStart(6, '0')}`;
    this.posted.push({ channel: body.channel, ts, text: body.text, metadata: body.metadata });
    return {
      status: 200,
      body: {
        ok: true,
        channel: body.channel,
        ts,
        message: { type: 'message', text: body.text, ts, bot_id: 'B0FAKE', metadata: body.metadata },
      },
    };
  }

  #history(req: LoopbackRequest): LoopbackAnswer {
    const denied = this.#auth(req);
    if (denied) return denied;
    const channel = req.query.get('channel') ?? '';
    if (!this.channels.has(channel)) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    const withMetadata = req.query.get('include_all_metadata') === 'true';
    const oldest = Number(req.query.get('oldest') ?? 0);
    const messages = this.posted
      .filter((p) => p.channel === channel && Number(p.ts) >= oldest)
      .reverse()
      .map((p) => ({
        type: 'message',
        text: p.text,
        ts: p.ts,
        bot_id: 'B0FAKE',
        ...(withMetadata && p.metadata ? { metadata: p.metadata } : {}),
      }));
    return { status: 200, body: { ok: true, messages, has_more: false, pin_count: 0 } };
  }

  #hook(req: LoopbackRequest, hook: string): LoopbackAnswer {
    if (!this.hooks.has(hook)) return { status: 404, body: 'no_service' };
    const body = req.json as { text?: string } | undefined;
    if (!body?.text) return { status: 400, body: 'invalid_payload' };
    this.webhookPosts.push({ hook, text: body.text });
    return { status: 200, body: 'ok' };
  }

  /** The URL of a configured incoming webhook. */
  hookUrl(hook = 'T000/B000/XXXX'): string {
    return `${this.url}/services/${hook}`;
  }
}

export function slackRateLimited(retryAfterSeconds: number): LoopbackAnswer {
  return {
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: { ok: false, error: 'ratelimited' },
  };
}
