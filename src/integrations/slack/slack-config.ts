import { z } from 'zod';
import { parseEnv, type Env } from '../../config/env.ts';
import { destinationName, parseNamedDestinations } from './named-destinations.ts';

export const slackEnv = z.object({
  SLACK_BOT_TOKEN: z.string().optional().describe('Bot token (xoxb-…) for chat.postMessage'),
  SLACK_BASE_URL: z.url().default('https://slack.com/api').describe('Slack Web API base URL'),
  ZANTARA_SLACK_CHANNELS: z
    .string()
    .optional()
    .describe('name=channel list: "ops=C0123,alerts=https://hooks.slack.com/services/…"'),
});

export type SlackTarget = { kind: 'channel'; channel: string } | { kind: 'webhook'; url: string };

export function slackConfig(env: Env) {
  const config = parseEnv(slackEnv, env);
  const destinations = parseNamedDestinations(config.ZANTARA_SLACK_CHANNELS);
  return {
    ...config,
    names: [...destinations.keys()],
    /** A configured name → a bot-token channel or an incoming-webhook URL. */
    target(name: string): SlackTarget | undefined {
      const value = destinations.get(destinationName(name));
      if (!value) return undefined;
      return /^https?:\/\//.test(value) ? { kind: 'webhook', url: value } : { kind: 'channel', channel: value };
    },
  };
}

export type SlackConfig = ReturnType<typeof slackConfig>;
