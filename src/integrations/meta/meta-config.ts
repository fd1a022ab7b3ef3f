import { z } from 'zod';
import { parseEnv, type Env } from '../../config/env.ts';

export const metaEnv = z.object({
  META_APP_SECRET: z.string().optional().describe('App secret: verifies X-Hub-Signature-256 on webhooks'),
  META_VERIFY_TOKEN: z.string().optional().describe('Token Meta echoes in the webhook verification challenge'),
  WHATSAPP_ACCESS_TOKEN: z.string().optional().describe('System-user token for the WhatsApp Cloud API'),
  WHATSAPP_PHONE_NUMBER_ID: z.string().optional().describe('The business phone number id messages are sent from'),
  INSTAGRAM_ACCESS_TOKEN: z
    .string()
    .optional()
    .describe('Instagram messaging token (Instagram API with Instagram Login)'),
  INSTAGRAM_ACCOUNT_ID: z.string().default('me').describe('Instagram professional account id; "me" = the token owner'),
  META_GRAPH_BASE_URL: z.url().default('https://graph.facebook.com').describe('Graph API origin (WhatsApp)'),
  INSTAGRAM_BASE_URL: z.url().default('https://graph.instagram.com').describe('Instagram Graph API origin'),
  META_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v23.0')
    .describe('Graph API version'),
  WHATSAPP_BULK_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(60)
    .describe('Template messages per minute in whatsapp.send_bulk'),
});

export type MetaConfig = z.infer<typeof metaEnv>;

export function metaConfig(env: Env): MetaConfig {
  return parseEnv(metaEnv, env);
}
