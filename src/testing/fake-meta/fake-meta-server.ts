import { createHmac, randomBytes } from 'node:crypto';
import { bearerToken, LoopbackServer, type LoopbackAnswer, type LoopbackRequest } from './loopback-server.ts';

export type WhatsappDelivery = {
  phoneNumberId: string;
  to: string;
  type: string;
  body: Record<string, unknown>;
  id: string;
};
export type InstagramDelivery = { accountId: string; recipientId: string; text: string; id: string };

/** A Graph API error in Meta's documented shape. */
export function graphError(status: number, code: number, message: string, type = 'OAuthException'): LoopbackAnswer {
  return { status, body: { error: { message, type, code, fbtrace_id: randomBytes(8).toString('hex') } } };
}

/**
 * The Graph API endpoints ZANTARA calls, checked the way Meta checks them: WhatsApp Cloud API
 * `POST /{version}/{phone-number-id}/messages` and Instagram `POST /{version}/{account|me}/messages`, Bearer token,
 * JSON body with the documented fields; answers in the documented shapes (errors with code 190 / 100 / 131047…).
 */
export class FakeMetaServer extends LoopbackServer {
  readonly whatsapp: WhatsappDelivery[] = [];
  readonly instagram: InstagramDelivery[] = [];
  readonly token: string;
  readonly instagramToken: string;
  readonly phoneNumberId: string;

  constructor(options: { token?: string; instagramToken?: string; phoneNumberId?: string } = {}) {
    super();
    this.phoneNumberId = options.phoneNumberId ?? '106540352242922';
    this.token = options.token ?? 'wa-test-token';
    this.instagramToken = options.instagramToken ?? 'ig-test-token';
    this.route(
      // graph.facebook.com (WhatsApp) and graph.instagram.com share the path shape; the body says which API it is.
      {
        method: 'POST',
        pattern: /^\/v\d+\.\d+\/(me|\d+)\/messages$/,
        handle: (req, m) =>
          (req.json as { messaging_product?: unknown } | undefined)?.messaging_product !== undefined ||
          m[1] === this.phoneNumberId
            ? this.#whatsapp(req, m[1])
            : this.#instagram(req, m[1]),
      },
    );
  }

  #whatsapp(req: LoopbackRequest, phoneNumberId: string): LoopbackAnswer {
    if (phoneNumberId !== this.phoneNumberId)
      return graphError(
        400,
        100,
        `(#100) Unsupported post request. Object with ID '${phoneNumberId}' does not exist`,
        'GraphMethodException',
      );
    if (bearerToken(req) !== this.token)
      return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || body.messaging_product !== 'whatsapp')
      return graphError(400, 100, '(#100) The parameter messaging_product is required.');
    if (typeof body.to !== 'string' || !/^\+?\d{6,20}$/.test(body.to))
      return graphError(400, 100, '(#100) Invalid parameter: to');
    if (body.type === 'text') {
      const text = body.text as { body?: unknown } | undefined;
      if (typeof text?.body !== 'string' || !text.body || text.body.length > 4096)
        return graphError(400, 100, "(#100) Param text['body'] is required and at most 4096 characters");
    } else if (body.type === 'template') {
      const template = body.template as { name?: unknown; language?: { code?: unknown } } | undefined;
      if (typeof template?.name !== 'string' || typeof template.language?.code !== 'string')
        return graphError(400, 100, "(#100) Param template['name'] and template['language']['code'] are required");
    } else return graphError(400, 100, `(#100) Unsupported message type ${String(body.type)}`);
    const id = `wamid.${randomBytes(12).toString('base64url')}`;
    this.whatsapp.push({ phoneNumberId, to: body.to, type: body.type, body, id });
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to.replace(/^\+/, '') }],
        messages: [{ id }],
      },
    };
  }

  #instagram(req: LoopbackRequest, accountId: string): LoopbackAnswer {
    if (bearerToken(req) !== this.instagramToken)
      return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    const body = req.json as { recipient?: { id?: unknown }; message?: { text?: unknown } } | undefined;
    if (typeof body?.recipient?.id !== 'string')
      return graphError(400, 100, '(#100) param recipient must be non-empty.');
    if (typeof body.message?.text !== 'string' || !body.message.text)
      return graphError(400, 100, '(#100) param message must be non-empty.');
    const id = `aWdfZAG1faWQ${randomBytes(12).toString('base64url')}`;
    this.instagram.push({ accountId, recipientId: body.recipient.id, text: body.message.text, id });
    return { status: 200, body: { recipient_id: body.recipient.id, message_id: id } };
  }
}

/** `X-Hub-Signature-256` for a raw webhook body, as Meta computes it. */
export function metaSignature(appSecret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody, 'utf8').digest('hex')}`;
}

/** A WhatsApp Cloud API webhook notification carrying one text message. */
export function whatsappTextWebhook(input: {
  from: string;
  id: string;
  text: string;
  name?: string;
  phoneNumberId?: string;
  timestamp?: number;
}): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: '15550783881',
                phone_number_id: input.phoneNumberId ?? '106540352242922',
              },
              contacts: [{ profile: { name: input.name ?? 'Test Client' }, wa_id: input.from }],
              messages: [
                {
                  from: input.from,
                  id: input.id,
                  timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: input.text },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** A WhatsApp status notification (sent/delivered/read/failed) for a message we sent. */
export function whatsappStatusWebhook(input: {
  id: string;
  recipient: string;
  status: string;
  callbackData?: string;
}): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              statuses: [
                {
                  id: input.id,
                  status: input.status,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: input.recipient,
                  ...(input.callbackData ? { biz_opaque_callback_data: input.callbackData } : {}),
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** An Instagram messaging webhook notification carrying one text message. */
export function instagramTextWebhook(input: {
  sender: string;
  mid: string;
  text: string;
  recipient?: string;
}): Record<string, unknown> {
  return {
    object: 'instagram',
    entry: [
      {
        id: input.recipient ?? '17841400000000000',
        time: Date.now(),
        messaging: [
          {
            sender: { id: input.sender },
            recipient: { id: input.recipient ?? '17841400000000000' },
            timestamp: Date.now(),
            message: { mid: input.mid, text: input.text },
          },
        ],
      },
    ],
  };
}
