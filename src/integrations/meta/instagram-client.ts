import { fetchForDelivery } from '../../outbox/delivery-errors.ts';
import { graphError } from './graph-errors.ts';
import type { MetaConfig } from './meta-config.ts';

/**
 * Sends a text with the Instagram messaging API (Instagram API with Instagram Login):
 * `POST {base}/{version}/{account-id|me}/messages`, body `{ recipient: { id: IGSID }, message: { text } }`,
 * Bearer token. Returns the `message_id`. Meta allows replies only within 24 hours of the user's last message.
 */
export async function sendInstagramMessage(config: MetaConfig, recipientId: string, text: string): Promise<string> {
  const url = `${config.INSTAGRAM_BASE_URL.replace(/\/$/, '')}/${config.META_GRAPH_VERSION}/${encodeURIComponent(config.INSTAGRAM_ACCOUNT_ID)}/messages`;
  const response = await fetchForDelivery(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.INSTAGRAM_ACCESS_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ recipient: { id: recipientId }, message: { text } }),
  });
  if (!response.ok) throw await graphError(response, 'Instagram send');
  const data = (await response.json()) as { message_id?: string };
  if (!data.message_id)
    throw await graphError(
      new Response(JSON.stringify({ error: { message: 'no message_id in the answer' } }), { status: 502 }),
      'Instagram send',
    );
  return data.message_id;
}
