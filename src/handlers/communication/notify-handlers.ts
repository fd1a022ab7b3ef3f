import { z } from 'zod';
import { ZantaraError } from '../../errors.ts';
import { discordConfig } from '../../integrations/discord/discord-config.ts';
import { slackConfig } from '../../integrations/slack/slack-config.ts';
import { destinationName } from '../../integrations/slack/named-destinations.ts';
import { outboxService } from '../../outbox/outbox.ts';
import { defineHandler } from '../handler.ts';
import { idempotencyKeyDescription, sendIdempotencyKey, sendOutput, sendResult } from './send-result.ts';

/** A name configured by an admin; with no names configured at all the message is sandboxed under the asked name. */
function checkName(kind: string, name: string, names: string[]): string {
  const wanted = destinationName(name);
  if (names.length && !names.includes(wanted)) {
    throw new ZantaraError(
      'unknown_destination',
      `No ${kind} destination named "${name}". Configured: ${names.join(', ')}.`,
      { status: 422, details: { available: names } },
    );
  }
  return wanted;
}

const destination = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^#?[A-Za-z0-9_.-]+$/, 'a configured destination name, not a URL');

export const slackNotify = defineHandler({
  key: 'slack.notify',
  category: 'communication',
  description:
    'Post a message to a Slack channel of the team, chosen by its configured NAME (e.g. "ops", "alerts") — never a URL. Goes through the outbox; returns outbox id and status (sandboxed = would send).',
  input: z.object({
    destination: destination.describe('Configured Slack destination name, e.g. "ops" or "#alerts"'),
    text: z.string().trim().min(1).max(4000).describe('Message text (Slack mrkdwn allowed)'),
    idempotency_key: z.string().min(1).max(200).optional().describe(idempotencyKeyDescription),
  }),
  output: sendOutput,
  effect: 'send',
  roles: ['staff', 'admin'],
  examples: [
    {
      description: 'Tell ops a new lead arrived',
      params: { destination: 'ops', text: 'New lead: PT PMA setup for an Italian investor.' },
    },
    {
      description: 'Avvisa il canale alerts',
      params: { destination: '#alerts', text: 'Il KITAS di Mario Rossi scade tra 10 giorni.' },
    },
  ],
  async run(input, ctx) {
    const name = checkName('Slack', input.destination, slackConfig(ctx.runtime.env).names);
    const payload = { text: input.text };
    const result = await ctx.runtime.service(outboxService).enqueue({
      channel: 'slack',
      destination: name,
      payload,
      createdBy: ctx.principal.id,
      idempotencyKey: sendIdempotencyKey(ctx, 'slack.notify', input.idempotency_key, [name, payload]),
    });
    return sendResult(result, name);
  },
});

export const discordNotify = defineHandler({
  key: 'discord.notify',
  category: 'communication',
  description:
    'Post a message to a Discord channel through a webhook chosen by its configured NAME (e.g. "alerts") — never a URL. Mentions are disabled. Goes through the outbox; returns outbox id and status (sandboxed = would send).',
  input: z.object({
    destination: destination.describe('Configured Discord webhook name, e.g. "alerts"'),
    text: z.string().trim().min(1).max(2000).describe('Message text (Discord allows up to 2000 characters)'),
    idempotency_key: z.string().min(1).max(200).optional().describe(idempotencyKeyDescription),
  }),
  output: sendOutput,
  effect: 'send',
  roles: ['staff', 'admin'],
  examples: [
    {
      description: 'Post a deployment note',
      params: { destination: 'alerts', text: 'Tax deadline reminders were sent to 12 clients.' },
    },
    {
      description: 'Kirim notifikasi ke Discord',
      params: { destination: 'alerts', text: 'Ada 3 lead baru hari ini.' },
    },
  ],
  async run(input, ctx) {
    const name = checkName('Discord', input.destination, discordConfig(ctx.runtime.env).names);
    const payload = { text: input.text };
    const result = await ctx.runtime.service(outboxService).enqueue({
      channel: 'discord',
      destination: name,
      payload,
      createdBy: ctx.principal.id,
      idempotencyKey: sendIdempotencyKey(ctx, 'discord.notify', input.idempotency_key, [name, payload]),
    });
    return sendResult(result, name);
  },
});
