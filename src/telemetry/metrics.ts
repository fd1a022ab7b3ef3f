import { Counter, Histogram, Registry as MetricsRegistry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one runtime (served at GET /metrics to staff). */
export function createMetrics() {
  const registry = new MetricsRegistry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    handlerCalls: new Counter({
      name: 'zantara_handler_calls_total',
      help: 'Handler calls by key and outcome',
      labelNames: ['key', 'outcome'],
      registers: [registry],
    }),
    handlerDuration: new Histogram({
      name: 'zantara_handler_duration_seconds',
      help: 'Handler run time',
      labelNames: ['key'],
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
      registers: [registry],
    }),
    handlerReused: new Counter({
      name: 'zantara_handler_results_reused_total',
      help: 'Calls of pure handlers answered from a kept result, by key',
      labelNames: ['key'],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'zantara_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
