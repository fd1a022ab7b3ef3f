import type { ChannelDeliverer } from '../../outbox/channel-deliverer.ts';
import { PermanentError } from '../../outbox/delivery-errors.ts';
import { metaConfig } from './meta-config.ts';
import { sendWhatsappMessage, type WhatsappMessage } from './whatsapp-client.ts';

/**
 * Outbox channel `whatsapp`: destination is the recipient's phone number (digits, country code first),
 * payload a `WhatsappMessage`. The Cloud API has no idempotency key; the outbox id travels as
 * `biz_opaque_callback_data` so a status webhook can confirm a delivery whose worker died (see channels/).
 */
export const whatsappDeliverer: ChannelDeliverer = {
  channel: 'whatsapp',
  isConfigured(runtime) {
    const config = metaConfig(runtime.env);
    return Boolean(config.WHATSAPP_ACCESS_TOKEN && config.WHATSAPP_PHONE_NUMBER_ID);
  },
  async deliver(runtime, row) {
    const message = row.payload as WhatsappMessage;
    if (message.type !== 'text' && message.type !== 'template')
      throw new PermanentError(`Unknown WhatsApp payload type ${String((message as { type?: unknown }).type)}`);
    const id = await sendWhatsappMessage(metaConfig(runtime.env), row.destination, message, row.id);
    return { providerMessageId: id };
  },
};
