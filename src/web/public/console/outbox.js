// @ts-check
/** The outbox: outgoing messages by status, with retry and cancel; sandboxed messages are marked "not sent". */
import { ApiError, call } from '../api.js';
import { badge, h, table, when } from '../dom.js';

const STATUSES = ['', 'pending', 'sending', 'sent', 'failed', 'sandboxed', 'cancelled'];

/** @param {HTMLElement} view @param {import('../console.js').ViewContext} ctx */
async function render(view, ctx) {
  const wanted = sessionStorage.getItem('zantara.outbox.status') ?? '';
  const data = await call('outbox.list', { limit: 100, ...(wanted ? { status: wanted } : {}) });
  ctx.onEvent('outbox.status', () => ctx.refresh());
  const filter = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      {
        id: 'o-status',
        onchange: () => {
          sessionStorage.setItem('zantara.outbox.status', filter.value);
          ctx.refresh();
        },
      },
      ...STATUSES.map((s) =>
        h('option', { value: s, selected: s === wanted }, s ? `${s} (${data.counts[s] ?? 0})` : 'all'),
      ),
    )
  );
  const result = h('p', { role: 'status' });
  const act = async (/** @type {string} */ key, /** @type {string} */ id) => {
    try {
      await call(key, { id });
      ctx.refresh();
    } catch (e) {
      result.className = 'notice bad';
      result.textContent = e instanceof ApiError ? e.message : String(e);
    }
  };
  view.append(
    h('h1', {}, 'Outbox'),
    h('p', { class: 'lead' }, 'Every message that leaves the building. Sandboxed messages were recorded but NOT sent.'),
    h('div', { class: 'row' }, h('div', { class: 'field' }, h('label', { for: 'o-status' }, 'Status'), filter)),
    result,
    h('h2', {}, 'Messages'),
    data.messages.length
      ? table(
          'Outgoing messages',
          ['Created', 'Channel', 'To', 'Status', 'Attempts', 'Last error', ''],
          data.messages.map((/** @type {any} */ m) => [
            when(m.created_at),
            m.channel,
            m.destination,
            m.status === 'sandboxed' ? badge('not sent (sandbox)', 'sandboxed') : badge(m.status),
            String(m.attempts),
            m.last_error ?? '',
            h(
              'div',
              { class: 'row' },
              ['failed', 'cancelled'].includes(m.status)
                ? h('button', { type: 'button', onclick: () => void act('outbox.retry', m.id) }, 'Retry')
                : '',
              ['pending', 'failed'].includes(m.status)
                ? h(
                    'button',
                    { type: 'button', class: 'danger', onclick: () => void act('outbox.cancel', m.id) },
                    'Cancel',
                  )
                : '',
            ),
          ]),
        )
      : h('p', { class: 'muted' }, 'No messages.'),
  );
}

export const view = { title: 'Outbox', render };
