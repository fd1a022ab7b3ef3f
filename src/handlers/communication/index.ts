import type { AnyHandler } from '../handler.ts';
import { channelsReply, channelsThread } from './channel-handlers.ts';
import { emailSend } from './email-handlers.ts';
import { instagramSend } from './instagram-handlers.ts';
import { discordNotify, slackNotify } from './notify-handlers.ts';
import { outboxCancel, outboxList, outboxRetry } from './outbox-handlers.ts';
import { whatsappSend, whatsappSendBulk } from './whatsapp-handlers.ts';

/** The communication handlers. */
export const handlers: AnyHandler[] = [
  whatsappSend,
  whatsappSendBulk,
  instagramSend,
  slackNotify,
  discordNotify,
  emailSend,
  outboxList,
  outboxRetry,
  outboxCancel,
  channelsThread,
  channelsReply,
] as AnyHandler[];
