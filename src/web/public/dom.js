// @ts-check
/** Small DOM helpers: every value goes in as text or an attribute, never as HTML. */

/**
 * An element with attributes and children (strings become text nodes).
 * @param {string} tag @param {Record<string, any>} [attrs]
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/**
 * A data table with a caption; cells may be nodes.
 * @param {string} caption @param {string[]} head @param {Array<Array<any>>} rows
 */
export function table(caption, head, rows) {
  return h(
    'table',
    { class: 'data' },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, ...head.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...rows.map((r) => (r instanceof HTMLElement ? r : h('tr', {}, ...r.map((c) => h('td', {}, c)))))),
  );
}

export const badge = (/** @type {string} */ text, cls = text) => h('span', { class: `badge ${cls}` }, text);
export const when = (/** @type {string | null | undefined} */ iso) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—';
export const usd = (/** @type {number} */ n) => `$${n < 0.01 && n > 0 ? n.toFixed(5) : n.toFixed(2)}`;
