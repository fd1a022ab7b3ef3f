/**
 * The channels the outbox can deliver to (composition root: the outbox knows no integration). To add one, import its
 * `ChannelDeliverer` and append it to the list (one line each); nothing else in the outbox changes.
 */
import type { ChannelDeliverer } from '../outbox/channel-deliverer.ts';
import { whatsappDeliverer } from '../integrations/meta/whatsapp-deliverer.ts';
import { instagramDeliverer } from '../integrations/meta/instagram-deliverer.ts';
import { slackDeliverer } from '../integrations/slack/slack-deliverer.ts';
import { discordDeliverer } from '../integrations/discord/discord-deliverer.ts';
import { emailDeliverer } from '../integrations/email/email-deliverer.ts';
import { gmailDeliverer } from '../integrations/google/gmail-deliverer.ts';

export const channelDeliverers: ChannelDeliverer[] = [
  whatsappDeliverer,
  instagramDeliverer,
  slackDeliverer,
  discordDeliverer,
  emailDeliverer,
  gmailDeliverer,
];
