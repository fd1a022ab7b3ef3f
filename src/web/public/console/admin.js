// @ts-check
/** Admins: API keys (create — shown once —, list, revoke) and the effective configuration with secrets redacted. */
import { ApiError, call } from '../api.js';
import { badge, h, table, when } from '../dom.js';

/** @param {HTMLElement} view @param {import('../console.js').ViewContext} ctx */
async function render(view, ctx) {
  if (!ctx.admin) {
    view.append(h('p', { class: 'notice warn' }, 'Only admins manage keys and see the configuration.'));
    return;
  }
  const [{ keys }, config] = await Promise.all([call('keys.list', { include_revoked: true }), call('system.config')]);
  const created = h('div', { role: 'status' });
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'card row' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'k-name' }, 'Name'),
        h('input', { id: 'k-name', name: 'name', required: true, maxlength: 120, placeholder: 'Reception laptop' }),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'k-role' }, 'Role'),
        h(
          'select',
          { id: 'k-role', name: 'role' },
          ...['staff', 'client', 'admin'].map((r) => h('option', { value: r }, r)),
        ),
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Create key'),
    )
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(form));
    try {
      const key = await call('keys.create', { name: f.name, role: f.role });
      form.reset();
      created.replaceChildren(
        h(
          'div',
          { class: 'notice ok' },
          h('p', {}, `Key for “${f.name}” (${key.role}). Copy it now: it is shown only once.`),
          h('p', { class: 'secret' }, key.key),
        ),
      );
    } catch (err) {
      created.replaceChildren(h('p', { class: 'notice bad' }, err instanceof ApiError ? err.message : String(err)));
    }
  });
  const revoke = async (/** @type {any} */ k) => {
    if (!confirm(`Revoke the key “${k.name}”? Anyone using it is signed out.`)) return;
    await call('keys.revoke', { id: k.id });
    ctx.refresh();
  };
  view.append(
    h('h1', {}, 'API keys and configuration'),
    h('h2', {}, 'Create a key'),
    form,
    created,
    h('h2', {}, 'Keys'),
    table(
      'API keys',
      ['Name', 'Role', 'Prefix', 'Created', 'Last used', 'State', ''],
      keys.map((/** @type {any} */ k) => [
        k.name,
        k.role,
        h('code', {}, `${k.prefix}…`),
        when(k.created_at),
        when(k.last_used_at),
        k.revoked_at ? badge('revoked', 'rejected') : badge('active', 'ok'),
        k.revoked_at
          ? ''
          : h(
              'button',
              { type: 'button', class: 'danger', onclick: () => void revoke(k), 'aria-label': `Revoke ${k.name}` },
              'Revoke',
            ),
      ]),
    ),
    h('h2', {}, 'Effective configuration (secrets redacted)'),
    h(
      'pre',
      { class: 'card mono', tabindex: 0, 'aria-label': 'Effective configuration' },
      JSON.stringify(config, null, 2),
    ),
  );
}

export const view = { title: 'Keys & config', render };
