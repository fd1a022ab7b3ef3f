import { z } from 'zod';
import { parseEnv, type Env } from '../../config/env.ts';
import { destinationName, parseNamedDestinations } from '../slack/named-destinations.ts';

export const discordEnv = z.object({
  ZANTARA_DISCORD_WEBHOOKS: z
    .string()
    .optional()
    .describe('name=webhook URL list: "alerts=https://discord.com/api/webhooks/ID/TOKEN"'),
});

export function discordConfig(env: Env) {
  const webhooks = parseNamedDestinations(parseEnv(discordEnv, env).ZANTARA_DISCORD_WEBHOOKS);
  return {
    names: [...webhooks.keys()],
    webhookUrl(name: string): string | undefined {
      return webhooks.get(destinationName(name));
    },
  };
}
