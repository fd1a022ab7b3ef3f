import type { ChannelDeliverer } from '../../outbox/channel-deliverer.ts';
import { PermanentError } from '../../outbox/delivery-errors.ts';
import { executeDiscordWebhook } from './discord-client.ts';
import { discordConfig } from './discord-config.ts';

/** Outbox channel `discord`: destination is a configured webhook NAME (ZANTARA_DISCORD_WEBHOOKS), payload `{ text }`. */
export const discordDeliverer: ChannelDeliverer = {
  channel: 'discord',
  isConfigured(runtime, destination) {
    const config = discordConfig(runtime.env);
    return destination === undefined ? config.names.length > 0 : Boolean(config.webhookUrl(destination));
  },
  async deliver(runtime, row) {
    const url = discordConfig(runtime.env).webhookUrl(row.destination);
    const text = row.payload.text;
    if (!url) throw new PermanentError(`No Discord webhook named "${row.destination}" in ZANTARA_DISCORD_WEBHOOKS`);
    if (typeof text !== 'string' || !text) throw new PermanentError('Discord payload has no text');
    return {
      providerMessageId: await executeDiscordWebhook(
        url,
        text.slice(0, 2000),
        typeof row.payload.username === 'string' ? row.payload.username : undefined,
      ),
    };
  },
};
