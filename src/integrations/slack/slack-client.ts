import {
  errorForStatus,
  fetchForDelivery,
  PermanentError,
  RetryableError,
  retryAfterMs,
} from '../../outbox/delivery-errors.ts';
import type { SlackConfig } from './slack-config.ts';

/** Slack `error` codes worth retrying; everything else (not_authed, invalid_auth, channel_not_found…) is permanent. */
const RETRYABLE = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** The event type stamped on every message ZANTARA posts, with the outbox id, so a crash can be reconciled. */
export const OUTBOX_METADATA_EVENT = 'zantara_outbox_message';

/**
 * `chat.postMessage` with the bot token (JSON body, `Authorization: Bearer`). The outbox id rides in message
 * `metadata`, which `findPostedMessage` looks up. Returns `channel:ts`, Slack's message identity.
 */
export async function postSlackMessage(
  config: SlackConfig,
  channel: string,
  text: string,
  outboxId: string,
): Promise<string> {
  const response = await fetchForDelivery(`${config.SLACK_BASE_URL.replace(/\/$/, '')}/chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.SLACK_BOT_TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({
      channel,
      text,
      unfurl_links: false,
      metadata: { event_type: OUTBOX_METADATA_EVENT, event_payload: { outbox_id: outboxId } },
    }),
  });
  const data = await slackAnswer(response, 'chat.postMessage');
  return `${String(data.channel ?? channel)}:${String(data.ts)}`;
}

/**
 * Looks in the channel's recent history (`conversations.history` with `include_all_metadata`) for a message
 * carrying this outbox id. Needs a channel id (C…) and the channels:history scope; returns undefined otherwise.
 */
export async function findPostedMessage(
  config: SlackConfig,
  channel: string,
  outboxId: string,
  since: Date,
): Promise<string | undefined> {
  if (!/^[CGD][A-Z0-9]+$/.test(channel)) return undefined;
  const url = new URL(`${config.SLACK_BASE_URL.replace(/\/$/, '')}/conversations.history`);
  url.searchParams.set('channel', channel);
  url.searchParams.set('oldest', (Math.floor(since.getTime() / 1000) - 60).toString());
  url.searchParams.set('include_all_metadata', 'true');
  url.searchParams.set('limit', '200');
  const response = await fetchForDelivery(url.toString(), {
    method: 'GET',
    headers: { authorization: `Bearer ${config.SLACK_BOT_TOKEN}` },
  });
  const data = await slackAnswer(response, 'conversations.history').catch(() => undefined);
  const messages = (data?.messages ?? []) as Array<{
    ts?: string;
    metadata?: { event_type?: string; event_payload?: { outbox_id?: string } };
  }>;
  const match = messages.find(
    (m) => m.metadata?.event_type === OUTBOX_METADATA_EVENT && m.metadata.event_payload?.outbox_id === outboxId,
  );
  return match?.ts ? `${channel}:${match.ts}` : undefined;
}

/**
 * Posts to an incoming webhook (`POST {url}` with `{ text }`). Slack answers `ok` as plain text, or an HTTP error
 * whose body names the problem (invalid_payload, no_service, channel_is_archived…). Webhooks return no
 * message id, so the outbox records the webhook name and time instead.
 */
export async function postSlackWebhook(url: string, text: string): Promise<void> {
  const response = await fetchForDelivery(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (response.ok) return;
  const body = (await response.text().catch(() => '')).slice(0, 200);
  throw errorForStatus(response.status, `Slack incoming webhook failed (HTTP ${response.status}): ${body}`, {
    retryAfter: response.headers.get('retry-after'),
    providerCode: body,
  });
}

async function slackAnswer(response: Response, method: string): Promise<Record<string, unknown>> {
  if (response.status === 429) {
    throw new RetryableError(`Slack ${method} rate limited`, {
      retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
      providerCode: 'ratelimited',
    });
  }
  if (!response.ok)
    throw errorForStatus(response.status, `Slack ${method} failed (HTTP ${response.status})`, {
      retryAfter: response.headers.get('retry-after'),
    });
  const data = (await response.json()) as Record<string, unknown>;
  if (data.ok === true) return data;
  const code = String(data.error ?? 'unknown_error');
  if (RETRYABLE.has(code))
    throw new RetryableError(`Slack ${method}: ${code}`, {
      providerCode: code,
      retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
    });
  throw new PermanentError(`Slack ${method}: ${code}`, { providerCode: code });
}
