// @ts-check
/** Conversations and traces: search turns by client, date and channel; each turn's route, attempts, handlers, cost. */
import { call } from '../api.js';
import { badge, h, table, usd, when } from '../dom.js';

const CHANNELS = ['', 'api', 'web', 'cli', 'whatsapp', 'instagram'];

/** @param {HTMLElement} view */
async function render(view) {
  const client = /** @type {HTMLInputElement} */ (h('input', { id: 'f-client', name: 'client', maxlength: 100 }));
  const channel = /** @type {HTMLSelectElement} */ (
    h('select', { id: 'f-channel', name: 'channel' }, ...CHANNELS.map((c) => h('option', { value: c }, c || 'any')))
  );
  const from = /** @type {HTMLInputElement} */ (h('input', { id: 'f-from', name: 'from', type: 'date' }));
  const to = /** @type {HTMLInputElement} */ (h('input', { id: 'f-to', name: 'to', type: 'date' }));
  const results = h('div');
  const search = async () => {
    /** @type {Record<string, unknown>} */
    const params = {};
    if (client.value.trim()) params.client = client.value.trim();
    if (channel.value) params.channel = channel.value;
    if (from.value) params.from = from.value;
    if (to.value) params.to = new Date(Date.parse(to.value) + 86_400_000).toISOString().slice(0, 10);
    results.replaceChildren(h('p', { class: 'muted' }, 'Searching…'));
    const data = await call('traces.search', params);
    results.replaceChildren(turnsTable(data.turns));
  };
  const form = h(
    'form',
    {
      class: 'row',
      onsubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        void search();
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'f-client' }, 'Client'), client),
    h('div', { class: 'field' }, h('label', { for: 'f-channel' }, 'Channel'), channel),
    h('div', { class: 'field' }, h('label', { for: 'f-from' }, 'From'), from),
    h('div', { class: 'field' }, h('label', { for: 'f-to' }, 'To'), to),
    h('button', { type: 'submit', class: 'primary' }, 'Search'),
  );
  view.append(
    h('h1', {}, 'Conversations and traces'),
    h(
      'p',
      { class: 'lead' },
      'Every chat turn: who asked, the route and model, provider attempts and fallbacks, handlers, tokens, cost and latency.',
    ),
    form,
    h('h2', {}, 'Turns'),
    results,
  );
  await search();
}

/** @param {any[]} turns */
function turnsTable(turns) {
  if (!turns.length) return h('p', { class: 'muted' }, 'No turns match.');
  const rows = turns.flatMap((t) => {
    const detail = h('tr', { class: 'trace-detail', hidden: true }, h('td', { colspan: 9 }, details(t)));
    const toggle = h(
      'button',
      {
        type: 'button',
        'aria-expanded': 'false',
        onclick: () => {
          detail.hidden = !detail.hidden;
          toggle.setAttribute('aria-expanded', String(!detail.hidden));
        },
      },
      'Details',
    );
    const main = h(
      'tr',
      {},
      h('td', {}, when(t.created_at)),
      h('td', {}, t.client ?? t.principal_id?.slice(0, 8) ?? '—'),
      h('td', {}, t.channel ?? '—'),
      h('td', {}, t.route, t.local ? h('div', {}, badge('local', 'ok')) : ''),
      h('td', {}, t.model ?? '—', h('div', { class: 'small muted' }, t.provider ?? '')),
      h(
        'td',
        {},
        ...(t.handlers ?? []).map((/** @type {any} */ x) =>
          h(
            'div',
            {},
            h('code', {}, x.key),
            ' ',
            badge(x.outcome, x.outcome === 'ok' ? 'ok' : x.outcome === 'pending_approval' ? 'pending' : 'error'),
          ),
        ),
      ),
      h('td', { class: 'mono' }, `${t.input_tokens} / ${t.output_tokens}`),
      h('td', { class: 'mono' }, `${usd(t.cost_usd)} · ${t.latency_ms} ms`),
      h('td', {}, badge(t.outcome, t.outcome === 'ok' ? 'ok' : 'error'), ' ', toggle),
    );
    return [main, detail];
  });
  return table(
    'Chat turns',
    ['When', 'Client', 'Channel', 'Route', 'Model', 'Handlers', 'Tokens in / out', 'Cost · latency', 'Outcome'],
    rows,
  );
}

/** @param {any} t */
function details(t) {
  return h(
    'div',
    {},
    h('p', {}, h('strong', {}, 'Message: '), t.message_text ?? ''),
    t.error ? h('p', { class: 'notice bad' }, t.error) : '',
    h('p', {}, h('strong', {}, 'Provider attempts: ')),
    (t.attempts ?? []).length
      ? table(
          'Provider attempts',
          ['Provider', 'Model', 'Outcome', 'Latency', 'Reason'],
          t.attempts.map((/** @type {any} */ a) => [
            a.provider,
            a.model,
            badge(a.outcome, a.outcome === 'ok' ? 'ok' : 'error'),
            `${a.latency_ms} ms`,
            a.reason ?? '',
          ]),
        )
      : h('p', { class: 'muted' }, t.local ? 'None: answered by the local tier.' : 'None.'),
    h('p', {}, h('strong', {}, 'Handlers: ')),
    (t.handlers ?? []).length
      ? table(
          'Handlers',
          ['Handler', 'Outcome', 'Duration', 'Error'],
          t.handlers.map((/** @type {any} */ x) => [x.key, x.outcome, `${x.duration_ms} ms`, x.error_code ?? '']),
        )
      : h('p', { class: 'muted' }, 'None.'),
  );
}

export const view = { title: 'Conversations', render };
