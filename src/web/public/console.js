// @ts-check
/** The staff console: sign-in, the sections, and the live event feed that keeps approvals up to date. */
import { ApiError, api, loadSession, session, signIn, signOut } from './api.js';
import { h } from './dom.js';

/** @typedef {{ title: string, render(view: HTMLElement, ctx: ViewContext): Promise<void> }} View */
/** @typedef {{ refresh(): void, onEvent(type: string, fn: (data: any) => void): void, admin: boolean }} ViewContext */

/** @type {Record<string, () => Promise<{ view: View }>>} */
const VIEWS = {
  approvals: () => import('./console/approvals.js'),
  traces: () => import('./console/traces.js'),
  costs: () => import('./console/costs.js'),
  outbox: () => import('./console/outbox.js'),
  leads: () => import('./console/leads.js'),
  team: () => import('./console/team.js'),
  knowledge: () => import('./console/knowledge.js'),
  admin: () => import('./console/admin.js'),
};

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** Event type → listeners of the current view (cleared when the view changes). */
let listeners = new Map();
/** @type {EventSource | undefined} */
let feed;
let current = '';

async function updateApprovalCount() {
  try {
    const { actions } = await api('/v1/actions');
    const count = $('approvals-count');
    count.textContent = String(actions.length);
    count.hidden = actions.length === 0;
    count.setAttribute('aria-label', `${actions.length} waiting`);
  } catch {
    /* shown again at the next event */
  }
}

function openFeed() {
  feed?.close();
  feed = new EventSource('/v1/events?types=action.*,lead.*,outbox.*', { withCredentials: true });
  for (const type of ['action.pending', 'action.decided', 'lead.created', 'lead.status', 'outbox.status']) {
    feed.addEventListener(type, (e) => {
      const data = JSON.parse(/** @type {MessageEvent} */ (e).data || '{}');
      if (type.startsWith('action.')) void updateApprovalCount();
      for (const fn of listeners.get(type) ?? []) fn(data);
    });
  }
}

/** @param {string} name */
async function show(name) {
  if (!(name in VIEWS)) name = 'approvals';
  current = name;
  listeners = new Map();
  for (const b of document.querySelectorAll('[data-view]')) {
    if (b.getAttribute('data-view') === name) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
  const view = $('view');
  view.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  const { view: module } = await VIEWS[name]();
  document.title = `${module.title} · ZANTARA console`;
  /** @type {ViewContext} */
  const ctx = {
    refresh: () => {
      if (current === name) void show(name);
    },
    onEvent: (type, fn) => listeners.set(type, [...(listeners.get(type) ?? []), fn]),
    admin: session.principal?.role === 'admin',
  };
  try {
    const fresh = h('div');
    await module.render(fresh, ctx);
    if (current === name) view.replaceChildren(...fresh.childNodes);
  } catch (error) {
    view.replaceChildren(
      h('p', { class: 'notice bad', role: 'alert' }, error instanceof Error ? error.message : String(error)),
    );
  }
}

function showApp() {
  const p = /** @type {NonNullable<typeof session.principal>} */ (session.principal);
  $('signin').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  $('who').textContent = `${p.name} · ${p.role}`;
  /** @type {HTMLElement} */ for (const el of document.querySelectorAll('[data-admin]')) el.hidden = p.role !== 'admin';
  openFeed();
  void updateApprovalCount();
  void show(location.hash.slice(1));
}

function showSignIn(/** @type {string} */ message = '') {
  feed?.close();
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('who').textContent = '';
  $('signin').hidden = false;
  const error = $('signin-error');
  error.textContent = message;
  error.hidden = !message;
  $('key').focus();
}

async function start() {
  for (const b of document.querySelectorAll('[data-view]')) {
    b.addEventListener('click', () => {
      const name = b.getAttribute('data-view') ?? '';
      history.replaceState(null, '', `#${name}`);
      void show(name);
    });
  }
  $('sign-out').addEventListener('click', async () => {
    await signOut().catch(() => undefined);
    showSignIn();
  });
  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const field = /** @type {HTMLInputElement} */ ($('key'));
    try {
      await signIn(field.value.trim());
      field.value = '';
      if (session.principal?.role === 'client') {
        await signOut();
        showSignIn('The console is for staff and admin keys. Clients use the chat.');
        return;
      }
      showApp();
    } catch (error) {
      showSignIn(
        error instanceof ApiError && error.status === 401
          ? 'That key is unknown or revoked.'
          : String(error instanceof Error ? error.message : error),
      );
    }
  });
  try {
    await loadSession();
  } catch {
    showSignIn('The server did not answer. Reload the page to try again.');
    return;
  }
  if (session.principal && !session.principal.guest && session.principal.role !== 'client') showApp();
  else showSignIn();
}

void start();
