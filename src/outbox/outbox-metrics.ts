import { Counter } from 'prom-client';
import { defineService } from '../runtime/service.ts';

/** Prometheus counters of the messaging layer, on the runtime's /metrics registry. */
export const messagingMetricsService = defineService('messaging-metrics', (runtime) => ({
  deliveries: new Counter({
    name: 'zantara_outbox_deliveries_total',
    help: 'Outbox delivery attempts by channel and outcome (sent, retry, failed, reconciled)',
    labelNames: ['channel', 'outcome'],
    registers: [runtime.metrics.registry],
  }),
  webhooks: new Counter({
    name: 'zantara_webhook_requests_total',
    help: 'Meta webhook POSTs by channel and outcome (accepted, invalid_signature)',
    labelNames: ['channel', 'outcome'],
    registers: [runtime.metrics.registry],
  }),
  inbound: new Counter({
    name: 'zantara_inbound_messages_total',
    help: 'Inbound messages by channel and outcome (stored, duplicate)',
    labelNames: ['channel', 'outcome'],
    registers: [runtime.metrics.registry],
  }),
}));
