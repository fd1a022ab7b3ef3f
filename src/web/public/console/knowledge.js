// @ts-check
/** Knowledge freshness: each fact file's last_verified dates, entries older than the configured age flagged. */
import { call } from '../api.js';
import { badge, h, table } from '../dom.js';

/** @param {HTMLElement} view */
async function render(view) {
  const data = await call('knowledge.freshness');
  view.append(
    h('h1', {}, 'Knowledge freshness'),
    h(
      'p',
      { class: 'lead' },
      `Entries verified more than ${data.max_age_days} days ago are flagged (ZANTARA_KNOWLEDGE_MAX_AGE_DAYS).`,
    ),
    data.stale_total
      ? h('p', { class: 'notice warn' }, `${data.stale_total} entries need checking.`)
      : h('p', { class: 'notice ok' }, 'Every entry is fresh.'),
    table(
      'Fact files',
      ['File', 'Entries', 'Oldest check', 'Newest check', 'Stale'],
      data.files.map((/** @type {any} */ f) => [
        h('code', {}, f.file),
        String(f.entries),
        f.oldest ?? '—',
        f.newest ?? '—',
        f.stale_count ? badge(`${f.stale_count} stale`, 'stale') : badge('fresh', 'ok'),
      ]),
    ),
  );
  for (const f of data.files.filter((/** @type {any} */ x) => x.stale_count)) {
    view.append(
      h('h2', {}, f.file),
      table(
        `Stale entries in ${f.file}`,
        ['Entry', 'Last verified', 'Age (days)'],
        f.stale.map((/** @type {any} */ e) => [e.label, e.last_verified, String(e.age_days)]),
      ),
    );
  }
}

export const view = { title: 'Knowledge', render };
