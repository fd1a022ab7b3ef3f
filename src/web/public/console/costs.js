// @ts-check
/** Costs and performance, charted with uPlot from traces.stats, /v1/usage and dashboard.main. */
import uPlot from '/vendor/uPlot.esm.js';
import { api, call } from '../api.js';
import { h, table, usd } from '../dom.js';

const COLORS = ['#0d5c58', '#9a5b00', '#2b6cb0', '#a4262c', '#6b46c1', '#2f855a'];

function loadCss() {
  if (document.querySelector('link[href="/vendor/uPlot.min.css"]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/uPlot.min.css' }));
}

function chartWidth() {
  const view = document.getElementById('view');
  const width = (view?.clientWidth ?? 900) - 56;
  return width > 900 ? Math.floor((width - 16) / 2) - 28 : width - 28;
}

/**
 * A chart card: title, the plot, and the same figures as a table for screen readers.
 * @param {string} title @param {string[]} head @param {any[][]} rows @param {(el: HTMLElement) => void} draw
 */
function chartCard(title, head, rows, draw) {
  const id = `c-${title.replace(/\W+/g, '-').toLowerCase()}`;
  const plot = h('div', { role: 'img', 'aria-label': `${title} (figures in the table below)` });
  const card = h('section', { class: 'chart', 'aria-labelledby': id, 'data-chart': id }, h('h2', { id }, title));
  if (!rows.length) card.append(h('p', { class: 'empty' }, 'No turns in this period yet.'));
  else {
    card.append(plot, h('div', { class: 'sr-only' }, table(title, head, rows)));
    draw(plot);
  }
  return card;
}

/**
 * Bars over categories (routes, handlers, providers); several series are drawn nested, widest first.
 * @param {HTMLElement} el @param {string[]} labels @param {Array<{ label: string, values: number[] }>} series
 * @param {(v: number) => string} format
 */
function bars(el, labels, series, format) {
  const xs = labels.map((_, i) => i);
  const sizes = [0.7, 0.5, 0.3];
  return new uPlot(
    {
      width: chartWidth(),
      height: 230,
      scales: {
        x: { time: false, range: () => [-0.5, labels.length - 0.5] },
        y: { range: (_u, _min, max) => [0, Math.max(max * 1.15, 1e-9)] },
      },
      axes: [
        { splits: () => xs, values: (_u, splits) => splits.map((i) => labels[i] ?? ''), grid: { show: false } },
        { values: (_u, splits) => splits.map(format), size: 70 },
      ],
      legend: { live: false },
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          fill: `${COLORS[i]}cc`,
          stroke: COLORS[i],
          width: 0,
          paths: uPlot.paths.bars?.({ size: [sizes[i] ?? 0.3, 120 - 35 * i] }),
          points: { show: false },
        })),
      ],
    },
    [xs, ...series.map((s) => s.values)],
    el,
  );
}

/**
 * Lines over days. @param {HTMLElement} el @param {string[]} days
 * @param {Array<{ label: string, values: (number | null)[] }>} series
 * @param {(v: number) => string} format @param {[number, number]} [range]
 */
function lines(el, days, series, format, range) {
  const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  return new uPlot(
    {
      width: chartWidth(),
      height: 230,
      scales: {
        x: { time: true, range: () => [xs[0] - 43_200, xs[xs.length - 1] + 43_200] },
        y: { range: range ? () => range : (_u, _min, max) => [0, Math.max(max * 1.15, 1e-9)] },
      },
      axes: [{}, { values: (_u, splits) => splits.map(format), size: 70 }],
      legend: { live: false },
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          width: 2,
          points: { show: true, size: 7 },
          spanGaps: true,
        })),
      ],
    },
    [xs, ...series.map((s) => s.values)],
    el,
  );
}

const pct = (/** @type {number} */ v) => `${Math.round(v * 100)}%`;
const ms = (/** @type {number} */ v) => `${Math.round(v)} ms`;
const money = (/** @type {number} */ v) => usd(v);

/** @param {HTMLElement} view */
async function render(view) {
  loadCss();
  const [stats, byRoute, dash] = await Promise.all([
    call('traces.stats', { days: 14 }),
    api('/v1/usage?group_by=route'),
    call('dashboard.main', { days: 14 }),
  ]);
  // Every day of the period, so days without turns show as zero spend rather than as a gap.
  const days = Array.from({ length: stats.days }, (_, i) =>
    new Date(Date.parse(stats.from) + i * 86_400_000).toISOString().slice(0, 10),
  );
  const providers = [...new Set(stats.spend.map((/** @type {any} */ r) => r.provider))].sort();
  const spendOf = (/** @type {string} */ p, /** @type {string} */ d) =>
    stats.spend.find((/** @type {any} */ r) => r.provider === p && r.day === d)?.cost_usd ?? null;
  const turns = dash.turns;
  view.append(
    h('h1', {}, 'Costs and performance'),
    h('p', { class: 'lead' }, `The last 14 days, from the turn traces (${stats.from.slice(0, 10)} to today, UTC).`),
    h(
      'div',
      { class: 'stats' },
      tile('Spend', usd(turns.cost_usd)),
      tile('Chat turns', String(turns.count)),
      tile('Local-tier hit rate', pct(turns.local_rate)),
      tile('Turn errors', String(turns.errors)),
      tile('Latency p95', ms(turns.latency_ms.p95)),
      tile('Open leads', String(dash.leads.open_now)),
    ),
    h(
      'div',
      { class: 'grid' },
      chartCard(
        'Spend per day and provider (USD)',
        ['Day', ...providers],
        days
          .map((d) => [d, ...providers.map((p) => usd(spendOf(p, d) ?? 0))])
          .filter((r) => r.some((c, i) => i > 0 && c !== '$0.00')),
        (el) =>
          lines(
            el,
            days,
            providers.map((p) => ({ label: p, values: days.map((d) => spendOf(p, d) ?? 0) })),
            money,
          ),
      ),
      chartCard(
        'Spend per route (USD)',
        ['Route', 'Spend', 'Turns'],
        byRoute.rows.map((/** @type {any} */ r) => [r.key, usd(r.cost_usd), r.turns]),
        (el) =>
          bars(
            el,
            byRoute.rows.map((/** @type {any} */ r) => r.key),
            [{ label: 'spend', values: byRoute.rows.map((/** @type {any} */ r) => r.cost_usd) }],
            money,
          ),
      ),
      chartCard(
        'Local-tier hit rate per day',
        ['Day', 'Local turns', 'Turns', 'Rate'],
        stats.daily.map((/** @type {any} */ r) => [r.day, r.local_turns, r.turns, pct(r.local_hit_rate)]),
        (el) =>
          lines(
            el,
            days,
            [
              {
                label: 'local hit rate',
                values: days.map(
                  (d) => stats.daily.find((/** @type {any} */ r) => r.day === d)?.local_hit_rate ?? null,
                ),
              },
            ],
            pct,
            [0, 1],
          ),
      ),
      chartCard(
        'Turn latency by route (p50 / p95 / p99)',
        ['Route', 'p50', 'p95', 'p99', 'Turns'],
        stats.latency.map((/** @type {any} */ r) => [r.route, ms(r.p50), ms(r.p95), ms(r.p99), r.turns]),
        (el) =>
          bars(
            el,
            stats.latency.map((/** @type {any} */ r) => r.route),
            ['p99', 'p95', 'p50'].map((k) => ({ label: k, values: stats.latency.map((/** @type {any} */ r) => r[k]) })),
            ms,
          ),
      ),
      chartCard(
        'Tool success rate by handler',
        ['Handler', 'Calls', 'Succeeded', 'Rate'],
        stats.tools.map((/** @type {any} */ r) => [r.key, r.calls, r.ok, pct(r.success_rate)]),
        (el) =>
          bars(
            el,
            stats.tools.map((/** @type {any} */ r) => r.key),
            [{ label: 'success rate', values: stats.tools.map((/** @type {any} */ r) => r.success_rate) }],
            pct,
          ),
      ),
      chartCard(
        'Errors and cooldowns by provider',
        ['Provider', 'Attempts', 'Errors', 'Cooldown skips'],
        stats.providers.map((/** @type {any} */ r) => [r.provider, r.attempts, r.errors, r.cooldowns]),
        (el) =>
          bars(
            el,
            stats.providers.map((/** @type {any} */ r) => r.provider),
            [
              { label: 'attempts', values: stats.providers.map((/** @type {any} */ r) => r.attempts) },
              { label: 'errors', values: stats.providers.map((/** @type {any} */ r) => r.errors) },
              { label: 'cooldowns', values: stats.providers.map((/** @type {any} */ r) => r.cooldowns) },
            ],
            (v) => String(Math.round(v)),
          ),
      ),
    ),
  );
}

/** @param {string} label @param {string} value */
function tile(label, value) {
  return h('div', { class: 'stat' }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label));
}

export const view = { title: 'Costs & performance', render };
