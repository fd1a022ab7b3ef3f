// @ts-check
/** Approvals: what each pending action will do in plain words; approve, edit then approve, or reject. Live. */
import { ApiError, api } from '../api.js';
import { h, when } from '../dom.js';

/** @type {Promise<Map<string, { description: string }>> | undefined} */
let handlers;
function handlerInfo() {
  handlers ??= api('/v1/handlers').then(
    (body) => new Map((body.handlers ?? []).map((/** @type {any} */ x) => [x.key, x])),
  );
  return handlers;
}

const text = (/** @type {unknown} */ v) =>
  typeof v === 'string'
    ? v
    : Array.isArray(v) && v.every((x) => typeof x === 'string')
      ? v.join(', ')
      : JSON.stringify(v);

/** One sentence a person can check before approving. @param {string} key @param {Record<string, any>} p */
export function plainWords(key, p) {
  const who = [p.name, p.email, p.phone].filter(Boolean).join(', ');
  switch (key) {
    case 'lead.save':
      return (
        `Save a new lead: ${who || 'unnamed'}` +
        `${p.services?.length ? `, interested in ${p.services.join(', ')}` : ''}${p.source ? ` (from ${p.source})` : ''}.`
      );
    case 'whatsapp.send':
      return `Send a WhatsApp message to ${p.to ?? p.phone ?? 'a client'}.`;
    case 'instagram.send':
      return `Send an Instagram message to ${p.to ?? p.recipient ?? 'a client'}.`;
    case 'email.send':
    case 'gmail.send':
      return `Send an e-mail to ${text(p.to)}${p.subject ? ` — “${p.subject}”` : ''}.`;
    case 'slack.notify':
    case 'discord.notify':
      return `Post a message to the team's ${key.split('.')[0]} channel.`;
    case 'memory.save':
      return 'Remember a fact about this client for later conversations.';
    case 'calendar.create':
      return `Create a calendar event${p.summary ? ` “${p.summary}”` : ''}${p.start ? ` on ${when(p.start)}` : ''}.`;
    case 'team.member_save':
      return `Update the team directory: ${p.name} (${p.role}).`;
    default:
      return '';
  }
}

/** @param {HTMLElement} view @param {import('../console.js').ViewContext} ctx */
async function render(view, ctx) {
  const [{ actions }, info] = await Promise.all([api('/v1/actions'), handlerInfo()]);
  ctx.onEvent('action.pending', () => ctx.refresh());
  ctx.onEvent('action.decided', () => ctx.refresh());
  view.append(
    h('h1', {}, 'Approvals'),
    h(
      'p',
      { class: 'lead' },
      'Actions ZANTARA proposed that wait for a person. Nothing below has happened yet. This list updates by itself.',
    ),
  );
  if (!actions.length) {
    view.append(h('p', { class: 'notice ok' }, 'Nothing is waiting for approval.'));
    return;
  }
  for (const action of actions) view.append(card(action, info.get(action.key)?.description ?? '', ctx));
}

/** @param {any} action @param {string} description @param {import('../console.js').ViewContext} ctx */
function card(action, description, ctx) {
  const result = h('p', { role: 'status' });
  const editor = /** @type {HTMLTextAreaElement} */ (
    h(
      'textarea',
      { id: `edit-${action.id}`, 'aria-label': 'Parameters (JSON)' },
      JSON.stringify(action.params, null, 2),
    )
  );
  const editBox = h(
    'div',
    { class: 'field', hidden: true },
    h('label', { for: `edit-${action.id}` }, 'Parameters (JSON) — change them, then approve'),
    editor,
  );
  const decide = async (/** @type {'approve' | 'reject'} */ how, /** @type {any} */ body) => {
    try {
      const res = await api(`/v1/actions/${action.id}/${how}`, { body: body ?? {} });
      result.className = `notice ${res.action.status === 'failed' ? 'bad' : 'ok'}`;
      result.textContent =
        res.action.status === 'failed'
          ? `Approved, but it failed: ${res.action.result?.message ?? 'error'}`
          : `Done: ${res.action.status}.`;
      setTimeout(() => ctx.refresh(), 1200);
    } catch (error) {
      result.className = 'notice bad';
      result.textContent = error instanceof ApiError ? error.message : String(error);
    }
  };
  const editButton = h(
    'button',
    {
      type: 'button',
      'aria-expanded': 'false',
      onclick: () => {
        editBox.hidden = !editBox.hidden;
        editButton.setAttribute('aria-expanded', String(!editBox.hidden));
        if (!editBox.hidden) editor.focus();
      },
    },
    'Edit',
  );
  const approve = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      onclick: () => {
        if (editBox.hidden) return void decide('approve');
        let params;
        try {
          params = JSON.parse(editor.value);
        } catch {
          result.className = 'notice bad';
          result.textContent = 'The parameters are not valid JSON.';
          return;
        }
        void decide('approve', { params });
      },
    },
    'Approve',
  );
  const plain = plainWords(action.key, action.params) || description.split(/(?<=\.)\s/)[0];
  return h(
    'article',
    { class: 'card approval', 'aria-labelledby': `t-${action.id}` },
    h('h3', { id: `t-${action.id}` }, plain),
    h(
      'dl',
      {},
      h('dt', {}, 'Action'),
      h('dd', {}, h('code', {}, action.key)),
      ...Object.entries(action.params).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, text(v))]),
      h('dt', {}, 'Proposed'),
      h('dd', {}, when(action.created_at)),
      h('dt', {}, 'Expires'),
      h('dd', {}, when(action.expires_at)),
    ),
    editBox,
    h(
      'div',
      { class: 'actions' },
      approve,
      editButton,
      h('button', { type: 'button', class: 'danger', onclick: () => void decide('reject') }, 'Reject'),
    ),
    result,
  );
}

export const view = { title: 'Approvals', render };
