import type { ChannelDeliverer } from '../../outbox/channel-deliverer.ts';
import { PermanentError } from '../../outbox/delivery-errors.ts';
import { findPostedMessage, postSlackMessage, postSlackWebhook } from './slack-client.ts';
import { slackConfig } from './slack-config.ts';

/**
 * Outbox channel `slack`: destination is a configured NAME (ZANTARA_SLACK_CHANNELS), payload `{ text }`.
 * A name mapped to a channel needs SLACK_BOT_TOKEN; a name mapped to a webhook URL needs nothing else.
 */
export const slackDeliverer: ChannelDeliverer = {
  channel: 'slack',
  isConfigured(runtime, destination) {
    const config = slackConfig(runtime.env);
    if (destination === undefined)
      return Boolean(config.SLACK_BOT_TOKEN) || config.names.some((n) => config.target(n)?.kind === 'webhook');
    const target = config.target(destination);
    return target?.kind === 'webhook' || (target?.kind === 'channel' && Boolean(config.SLACK_BOT_TOKEN));
  },
  async deliver(runtime, row) {
    const config = slackConfig(runtime.env);
    const target = config.target(row.destination);
    const text = row.payload.text;
    if (!target) throw new PermanentError(`No Slack destination named "${row.destination}" in ZANTARA_SLACK_CHANNELS`);
    if (typeof text !== 'string' || !text) throw new PermanentError('Slack payload has no text');
    if (target.kind === 'webhook') {
      await postSlackWebhook(target.url, text);
      return { providerMessageId: `webhook:${row.destination}:${row.id}` };
    }
    return { providerMessageId: await postSlackMessage(config, target.channel, text, row.id) };
  },
  async findDelivered(runtime, row) {
    const config = slackConfig(runtime.env);
    const target = config.target(row.destination);
    if (target?.kind !== 'channel') return undefined;
    const id = await findPostedMessage(config, target.channel, row.id, new Date(row.created_at));
    return id ? { providerMessageId: id } : undefined;
  },
};
