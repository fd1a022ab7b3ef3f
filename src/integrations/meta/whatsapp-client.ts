import { fetchForDelivery } from '../../outbox/delivery-errors.ts';
import { graphError } from './graph-errors.ts';
import type { MetaConfig } from './meta-config.ts';

/** A text, or an approved template (the only kind allowed outside the 24-hour customer-service window). */
export type WhatsappMessage =
  | { type: 'text'; text: string; preview_url?: boolean }
  | { type: 'template'; template: { name: string; language: string; components?: unknown[] } };

/**
 * Sends one message with the WhatsApp Cloud API: `POST {base}/{version}/{phone-number-id}/messages` with a
 * Bearer token. `trackingId` goes in `biz_opaque_callback_data`, which Meta echoes in the status webhooks.
 * Returns the `wamid` of the accepted message.
 */
export async function sendWhatsappMessage(
  config: MetaConfig,
  to: string,
  message: WhatsappMessage,
  trackingId?: string,
): Promise<string> {
  const url = `${config.META_GRAPH_BASE_URL.replace(/\/$/, '')}/${config.META_GRAPH_VERSION}/${encodeURIComponent(config.WHATSAPP_PHONE_NUMBER_ID ?? '')}/messages`;
  const body: Record<string, unknown> = { messaging_product: 'whatsapp', recipient_type: 'individual', to };
  if (message.type === 'text') {
    body.type = 'text';
    body.text = { preview_url: message.preview_url ?? false, body: message.text };
  } else {
    body.type = 'template';
    body.template = {
      name: message.template.name,
      language: { code: message.template.language },
      ...(message.template.components?.length ? { components: message.template.components } : {}),
    };
  }
  if (trackingId) body.biz_opaque_callback_data = trackingId;
  const response = await fetchForDelivery(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.WHATSAPP_ACCESS_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await graphError(response, 'WhatsApp send');
  const data = (await response.json()) as { messages?: Array<{ id?: string }> };
  const id = data.messages?.[0]?.id;
  if (!id)
    throw await graphError(
      new Response(JSON.stringify({ error: { message: 'no message id in the answer' } }), { status: 502 }),
      'WhatsApp send',
    );
  return id;
}
