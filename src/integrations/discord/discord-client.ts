import { errorForStatus, fetchForDelivery, RetryableError } from '../../outbox/delivery-errors.ts';

/**
 * Executes a Discord webhook: `POST {webhook}?wait=true` with `{ content, allowed_mentions }`. With `wait=true`
 * Discord answers the created message (so we get its id) instead of 204. Mentions are disabled so a message
 * can never ping @everyone. A 429 carries `retry_after` (seconds) in the body and a Retry-After header.
 */
export async function executeDiscordWebhook(webhookUrl: string, content: string, username?: string): Promise<string> {
  const url = new URL(webhookUrl);
  url.searchParams.set('wait', 'true');
  const response = await fetchForDelivery(url.toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content, allowed_mentions: { parse: [] }, ...(username ? { username } : {}) }),
  });
  if (response.status === 429) {
    const body = (await response.json().catch(() => ({}))) as { retry_after?: number };
    const header = response.headers.get('retry-after');
    const ms =
      typeof body.retry_after === 'number'
        ? Math.ceil(body.retry_after * 1000)
        : header
          ? Math.ceil(Number(header) * 1000)
          : undefined;
    throw new RetryableError('Discord webhook rate limited', { retryAfterMs: ms, providerCode: '429' });
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: number; message?: string };
    throw errorForStatus(
      response.status,
      `Discord webhook failed (HTTP ${response.status}): ${body.message ?? response.statusText}`,
      { retryAfter: response.headers.get('retry-after'), providerCode: body.code?.toString() },
    );
  }
  const message = (await response.json()) as { id?: string };
  return message.id ?? 'unknown';
}
