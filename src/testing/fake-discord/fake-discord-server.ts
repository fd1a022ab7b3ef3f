import { LoopbackServer, type LoopbackAnswer, type LoopbackRequest } from '../fake-meta/loopback-server.ts';

export type DiscordPosted = {
  webhookId: string;
  id: string;
  content: string;
  allowedMentions: unknown;
  waited: boolean;
};

/**
 * Discord's Execute Webhook: `POST /api/webhooks/{id}/{token}` (no auth header: the token is in the path), JSON
 * `{ content (≤ 2000) | embeds, username?, allowed_mentions? }`. With `?wait=true` it answers the message object,
 * without it 204. Unknown webhook: 404 `{ message: "Unknown Webhook", code: 10015 }`.
 */
export class FakeDiscordServer extends LoopbackServer {
  readonly posted: DiscordPosted[] = [];
  readonly webhooks: Map<string, string>;
  #seq = 1_200_000_000_000_000_000n;

  constructor(webhooks: Record<string, string> = { '111': 'tok-alerts' }) {
    super();
    this.webhooks = new Map(Object.entries(webhooks));
    this.route({
      method: 'POST',
      pattern: /^\/api\/webhooks\/(\d+)\/([^/]+)$/,
      handle: (req, m) => this.#execute(req, m[1], m[2]),
    });
  }

  webhookUrl(id = '111'): string {
    return `${this.url}/api/webhooks/${id}/${this.webhooks.get(id)}`;
  }

  #execute(req: LoopbackRequest, id: string, token: string): LoopbackAnswer {
    if (this.webhooks.get(id) !== token) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    const body = req.json as { content?: string; embeds?: unknown[]; allowed_mentions?: unknown } | undefined;
    if (!body || (!body.content && !body.embeds?.length))
      return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
    if (body.content && body.content.length > 2000)
      return {
        status: 400,
        body: {
          message: 'Invalid Form Body',
          code: 50035,
          errors: {
            content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
          },
        },
      };
    const messageId = String(++this.#seq);
    const waited = req.query.get('wait') === 'true';
    this.posted.push({
      webhookId: id,
      id: messageId,
      content: body.content ?? '',
      allowedMentions: body.allowed_mentions,
      waited,
    });
    if (!waited) return { status: 204 };
    return {
      status: 200,
      body: {
        id: messageId,
        type: 0,
        content: body.content ?? '',
        channel_id: '222',
        webhook_id: id,
        timestamp: new Date().toISOString(),
        embeds: body.embeds ?? [],
        attachments: [],
        mentions: [],
        pinned: false,
        tts: false,
      },
    };
  }
}

export function discordRateLimited(retryAfterSeconds: number): LoopbackAnswer {
  return {
    status: 429,
    headers: { 'retry-after': String(Math.ceil(retryAfterSeconds)) },
    body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: false },
  };
}
