import type { ChannelDeliverer } from '../../outbox/channel-deliverer.ts';
import { PermanentError } from '../../outbox/delivery-errors.ts';
import { sendInstagramMessage } from './instagram-client.ts';
import { metaConfig } from './meta-config.ts';

/** Outbox channel `instagram`: destination is the recipient's Instagram-scoped id (IGSID), payload `{ text }`. */
export const instagramDeliverer: ChannelDeliverer = {
  channel: 'instagram',
  isConfigured(runtime) {
    return Boolean(metaConfig(runtime.env).INSTAGRAM_ACCESS_TOKEN);
  },
  async deliver(runtime, row) {
    const text = row.payload.text;
    if (typeof text !== 'string' || !text) throw new PermanentError('Instagram payload has no text');
    return { providerMessageId: await sendInstagramMessage(metaConfig(runtime.env), row.destination, text) };
  },
};
