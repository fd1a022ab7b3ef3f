import type { Context, Hono } from 'hono';
import { inboundQueueService } from '../../channels/inbound-queue.ts';
import { safeEqual, verifyMetaSignature } from '../../channels/meta-signature.ts';
import {
  parseInstagramNotification,
  parseWhatsappNotification,
  type DeliveryStatus,
  type InboundMessage,
} from '../../channels/meta-webhook-payload.ts';
import { ZantaraError } from '../../errors.ts';
import { cleanText } from '../../input-safety.ts';
import { metaConfig } from '../../integrations/meta/meta-config.ts';
import { messagingMetricsService } from '../../outbox/outbox-metrics.ts';
import { outboxService } from '../../outbox/outbox.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import type { AppEnv } from '../app-env.ts';
import { readBody } from '../request-body.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Meta webhooks for WhatsApp and Instagram.
 * GET answers the subscription challenge when `hub.verify_token` equals META_VERIFY_TOKEN.
 * POST requires `X-Hub-Signature-256` over the raw body (else 401), stores new messages once (by message id) in
 * the durable inbound queue, and answers 200 at once; a background processor does the rest.
 */
export function webhookRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  for (const channel of ['whatsapp', 'instagram'] as const) {
    app.get(`/webhooks/${channel}`, (c) => {
      const token = metaConfig(runtime.env).META_VERIFY_TOKEN;
      const mode = c.req.query('hub.mode');
      const given = c.req.query('hub.verify_token') ?? '';
      const challenge = c.req.query('hub.challenge') ?? '';
      if (!token)
        throw new ZantaraError(
          'webhook_not_configured',
          'META_VERIFY_TOKEN is not set, so the subscription cannot be verified.',
          { status: 503, expose: true },
        );
      if (mode !== 'subscribe' || !safeEqual(given, token) || !challenge)
        throw new ZantaraError('verification_failed', 'The verification token does not match.', { status: 403 });
      return c.text(challenge, 200);
    });

    app.post(`/webhooks/${channel}`, async (c) => {
      const raw = await readBody(c);
      const secret = metaConfig(runtime.env).META_APP_SECRET;
      if (!secret)
        throw new ZantaraError(
          'webhook_not_configured',
          'META_APP_SECRET is not set, so webhook signatures cannot be checked.',
          { status: 503, expose: true },
        );
      if (!verifyMetaSignature(secret, raw, c.req.header('x-hub-signature-256'))) {
        runtime.logger.warn({ channel, requestId: c.get('requestId') }, 'webhook with a missing or bad signature');
        runtime.service(messagingMetricsService).webhooks.inc({ channel, outcome: 'invalid_signature' });
        throw new ZantaraError('invalid_signature', 'X-Hub-Signature-256 is missing or does not match the body.', {
          status: 401,
        });
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new ZantaraError('invalid_json', 'The webhook body is not valid JSON.', { status: 400 });
      }
      const expected = channel === 'whatsapp' ? 'whatsapp_business_account' : 'instagram';
      if (body?.object !== expected) return ack(c, 0, 0, `ignored: object is ${String(body?.object)}`);
      const parsed =
        channel === 'whatsapp'
          ? parseWhatsappNotification(body)
          : { ...parseInstagramNotification(body), statuses: [] as DeliveryStatus[] };
      const inserted = await runtime.service(inboundQueueService).record(parsed.messages as InboundMessage[]);
      await applyStatuses(runtime, parsed.statuses);
      const metrics = runtime.service(messagingMetricsService);
      metrics.webhooks.inc({ channel, outcome: 'accepted' });
      metrics.inbound.inc({ channel, outcome: 'stored' }, inserted.length);
      metrics.inbound.inc({ channel, outcome: 'duplicate' }, parsed.messages.length - inserted.length);
      return ack(c, inserted.length, parsed.messages.length - inserted.length);
    });
  }
}

function ack(c: Context<AppEnv>, received: number, duplicates: number, note?: string): Response {
  return c.json({ ok: true, data: { received, duplicates, ...(note ? { note } : {}) } }, 200);
}

/** WhatsApp status reports carry our outbox id in biz_opaque_callback_data: confirm or fail the row. */
async function applyStatuses(runtime: Runtime, statuses: DeliveryStatus[]): Promise<void> {
  const outbox = runtime.service(outboxService);
  for (const s of statuses) {
    if (!s.callbackData || !UUID.test(s.callbackData)) continue;
    // Provider text is third-party: cleaned so it can be stored, and one bad status never fails the others.
    const providerMessageId = cleanText(s.providerMessageId);
    try {
      if (['sent', 'delivered', 'read'].includes(s.status))
        await outbox.applyProviderStatus(s.callbackData, { providerMessageId, delivered: true });
      else if (s.status === 'failed')
        await outbox.applyProviderStatus(s.callbackData, {
          providerMessageId,
          delivered: false,
          error: s.error && cleanText(s.error),
        });
    } catch (error) {
      runtime.logger.error({ err: error }, 'webhook delivery status could not be applied; skipped');
    }
  }
}
