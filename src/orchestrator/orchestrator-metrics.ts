import { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '../telemetry/metrics.ts';
import type { CircuitState } from './circuit-breaker.ts';
import type { Attempt } from './provider-chain.ts';
import type { TurnTrace } from './turn-traces.ts';

/** Prometheus metrics of chat turns, registered on the runtime's metrics registry (GET /metrics). */
export function createOrchestratorMetrics(metrics: Metrics, circuits: () => Record<string, CircuitState> = () => ({})) {
  const registers = [metrics.registry];
  const turns = new Counter({
    name: 'zantara_chat_turns_total',
    help: 'Chat turns by route, provider, local hit and outcome',
    labelNames: ['route', 'provider', 'local', 'outcome'],
    registers,
  });
  const latency = new Histogram({
    name: 'zantara_chat_turn_seconds',
    help: 'Chat turn latency',
    labelNames: ['local'],
    buckets: [0.005, 0.05, 0.25, 1, 3, 10, 30],
    registers,
  });
  const attempts = new Counter({
    name: 'zantara_provider_attempts_total',
    help: 'Provider attempts by provider, outcome and reason',
    labelNames: ['provider', 'outcome', 'reason'],
    registers,
  });
  const tokens = new Counter({
    name: 'zantara_chat_tokens_total',
    help: 'Model tokens by provider, model and kind',
    labelNames: ['provider', 'model', 'kind'],
    registers,
  });
  const cost = new Counter({
    name: 'zantara_chat_cost_usd_total',
    help: 'Model cost in USD from the price table',
    labelNames: ['provider', 'model'],
    registers,
  });
  const saveFailures = new Counter({
    name: 'zantara_chat_turn_save_failures_total',
    help: 'Chat turns answered whose messages and trace could not be stored',
    registers,
  });
  // Only providers whose circuit is not closed are listed; a provider back to closed drops out of the gauge.
  new Gauge({
    name: 'zantara_provider_circuit_state',
    help: 'Providers whose circuit breaker is open (1) or half-open (1), by state',
    labelNames: ['provider', 'state'],
    registers,
    collect() {
      this.reset();
      for (const [provider, state] of Object.entries(circuits())) this.set({ provider, state }, 1);
    },
  });
  return {
    saveFailed(): void {
      saveFailures.inc();
    },
    attempt(a: Attempt): void {
      attempts.inc({ provider: a.provider, outcome: a.outcome, reason: a.reason ?? '' });
    },
    turn(t: TurnTrace): void {
      const provider = t.provider ?? (t.local ? 'local' : 'none');
      const model = t.model ?? (t.local ? 'zantara-local' : 'none');
      turns.inc({ route: t.route, provider, local: String(t.local), outcome: t.outcome });
      latency.observe({ local: String(t.local) }, t.latency_ms / 1000);
      if (t.input_tokens) tokens.inc({ provider, model, kind: 'input' }, t.input_tokens);
      if (t.cached_input_tokens) tokens.inc({ provider, model, kind: 'cached_input' }, t.cached_input_tokens);
      if (t.output_tokens) tokens.inc({ provider, model, kind: 'output' }, t.output_tokens);
      if (t.cost_usd) cost.inc({ provider, model }, t.cost_usd);
    },
  };
}

export type OrchestratorMetrics = ReturnType<typeof createOrchestratorMetrics>;
