// @ts-check
/** Leads, newest first, with their status along the pipeline. */
import { ApiError, call } from '../api.js';
import { badge, h, table, when } from '../dom.js';

const STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'];

/** @param {HTMLElement} view @param {import('../console.js').ViewContext} ctx */
async function render(view, ctx) {
  const data = await call('lead.list', { limit: 100 });
  ctx.onEvent('lead.created', () => ctx.refresh());
  const result = h('p', { role: 'status' });
  view.append(
    h('h1', {}, 'Leads'),
    h('p', { class: 'lead' }, `${data.total} leads. Change a status to move a lead along.`),
    result,
    data.leads.length
      ? table(
          'Leads',
          ['Received', 'Name', 'Contact', 'Services', 'Source', 'Status'],
          data.leads.map((/** @type {any} */ l) => {
            const select = /** @type {HTMLSelectElement} */ (
              h(
                'select',
                {
                  'aria-label': `Status of ${l.name}`,
                  onchange: async () => {
                    try {
                      await call('lead.set_status', { id: l.id, status: select.value });
                      result.className = 'notice ok';
                      result.textContent = `${l.name}: ${select.value}.`;
                    } catch (e) {
                      result.className = 'notice bad';
                      result.textContent = e instanceof ApiError ? e.message : String(e);
                    }
                  },
                },
                ...STATUSES.map((s) => h('option', { value: s, selected: s === l.status }, s)),
              )
            );
            return [
              when(l.created_at),
              h('div', {}, l.name, l.message ? h('div', { class: 'small muted' }, l.message) : ''),
              [l.email, l.phone].filter(Boolean).join(' · '),
              (l.services ?? []).join(', '),
              badge(l.source, ''),
              select,
            ];
          }),
        )
      : h('p', { class: 'muted' }, 'No leads yet.'),
  );
}

export const view = { title: 'Leads', render };
