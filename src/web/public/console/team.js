// @ts-check
/** The team directory in the store: add, edit and remove members; the chat's team.* answers come from here. */
import { ApiError, call } from '../api.js';
import { badge, h, table } from '../dom.js';

/** @param {HTMLElement} view @param {import('../console.js').ViewContext} ctx */
async function render(view, ctx) {
  const [{ members }, { departments }] = await Promise.all([call('team.list'), call('team.departments')]);
  const result = h('p', { role: 'status' });
  const field = (
    /** @type {string} */ name,
    /** @type {string} */ label,
    /** @type {Record<string, any>} */ attrs = {},
  ) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `m-${name}` }, label),
      h('input', { id: `m-${name}`, name, ...attrs }),
    );
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'card row', id: 'member-form' },
      field('id', 'Id', { required: true, pattern: '[a-z0-9][a-z0-9\\-]*', maxlength: 60 }),
      field('name', 'Name', { required: true, maxlength: 120 }),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'm-department' }, 'Department'),
        h(
          'select',
          { id: 'm-department', name: 'department' },
          ...departments.map((/** @type {any} */ d) => h('option', { value: d.id }, d.name)),
        ),
      ),
      field('role', 'Role', { required: true, maxlength: 120 }),
      field('languages', 'Languages (en, it, id)', { required: true, value: 'en' }),
      field('services', 'Services', { placeholder: 'kitas, tax' }),
      field('email', 'E-mail', { type: 'email' }),
      field('phone', 'Phone', { type: 'tel' }),
      h('button', { type: 'submit', class: 'primary' }, 'Save member'),
    )
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(form));
    const list = (/** @type {any} */ v) =>
      String(v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    try {
      await call('team.member_save', {
        id: f.id,
        name: f.name,
        department: f.department,
        role: f.role,
        languages: list(f.languages),
        services: list(f.services),
        ...(f.email ? { email: f.email } : {}),
        ...(f.phone ? { phone: f.phone } : {}),
      });
      ctx.refresh();
    } catch (err) {
      result.className = 'notice bad';
      result.textContent = err instanceof ApiError ? err.message : String(err);
    }
  });
  const edit = (/** @type {any} */ m) => {
    for (const [k, v] of Object.entries({
      id: m.id,
      name: m.placeholder ? '' : m.name,
      department: m.department.id,
      role: m.role,
      languages: m.languages.join(', '),
      services: m.services.join(', '),
      email: m.email ?? '',
      phone: m.phone ?? '',
    })) {
      /** @type {HTMLInputElement} */ (form.elements.namedItem(k)).value = v;
    }
    /** @type {HTMLInputElement} */ (form.elements.namedItem('name')).focus();
  };
  const remove = async (/** @type {any} */ m) => {
    if (!confirm(`Remove ${m.name} from the team directory?`)) return;
    try {
      await call('team.member_remove', { id: m.id });
      ctx.refresh();
    } catch (err) {
      result.className = 'notice bad';
      result.textContent = String(err);
    }
  };
  view.append(
    h('h1', {}, 'Team directory'),
    h(
      'p',
      { class: 'lead' },
      'Who the assistant refers clients to. Placeholders are roles without a real name yet: edit them to name the person.',
    ),
    h('h2', {}, 'Add or edit a member'),
    form,
    result,
    h('h2', {}, 'Members'),
    table(
      'Team members',
      ['Name', 'Role', 'Department', 'Languages', 'Contact', 'Verified', ''],
      members.map((/** @type {any} */ m) => [
        h('div', {}, m.name, m.placeholder ? h('div', {}, badge('placeholder', 'pending')) : ''),
        m.role,
        m.department.name,
        m.languages.join(', '),
        [m.email, m.phone].filter(Boolean).join(' · '),
        m.last_verified,
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', onclick: () => edit(m), 'aria-label': `Edit ${m.name}` }, 'Edit'),
          h(
            'button',
            { type: 'button', class: 'danger', onclick: () => void remove(m), 'aria-label': `Remove ${m.name}` },
            'Remove',
          ),
        ),
      ]),
    ),
  );
}

export const view = { title: 'Team', render };
