// @ts-check
/** The client chat: streamed answers, safe Markdown, sources, approval cards, history across reloads, EN/IT/ID. */
import { ApiError, api, loadSession, session, signIn, signOut, streamChat } from './api.js';
import { LANGUAGES, initialLanguage, setLanguage, t } from './i18n.js';
import { renderMarkdown } from './markdown.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const messages = /** @type {HTMLOListElement} */ ($('messages'));
const input = /** @type {HTMLTextAreaElement} */ ($('message'));
const sendButton = /** @type {HTMLButtonElement} */ ($('send'));
/** Pending action id → its card, polled until decided. */
const cards = new Map();
let busy = false;

const storageKey = (/** @type {string} */ name) => `zantara.${name}.${session.principal?.id ?? 'anon'}`;
const conversationId = () => localStorage.getItem(storageKey('conversation')) ?? undefined;

function setupLanguage() {
  const select = /** @type {HTMLSelectElement} */ ($('lang'));
  for (const [code, name] of Object.entries(LANGUAGES)) select.add(new Option(name, code));
  select.value = initialLanguage();
  setLanguage(select.value);
  select.addEventListener('change', () => {
    setLanguage(select.value);
    for (const [id, card] of cards) paintCard(card, card.dataset.status ?? 'pending', id);
  });
}

/** @param {'warn' | 'bad' | 'ok' | ''} kind @param {string} [text] */
function notice(kind, text = '') {
  const status = $('status');
  status.className = kind ? `notice ${kind}` : '';
  status.textContent = text;
}

/** @param {'user' | 'assistant'} role @param {string} text */
function addMessage(role, text) {
  $('welcome').hidden = true;
  const li = document.createElement('li');
  li.className = `msg ${role}`;
  const who = document.createElement('span');
  who.className = 'sr-only';
  who.textContent = `${role === 'user' ? t('you') : t('assistant')}: `;
  li.append(who);
  const body = document.createElement('div');
  body.className = 'body';
  if (role === 'user')
    body.textContent = text; // a client's own words are shown as text, never as HTML
  else body.innerHTML = renderMarkdown(text);
  li.append(body);
  messages.append(li);
  li.scrollIntoView({ block: 'end' });
  return li;
}

/**
 * The sources line under an answer: the handlers it used and the documents it cited.
 * @param {HTMLElement} li
 * @param {{ handlers_used?: string[], sources?: Array<{ title: string, source: string }>, local?: boolean }} info
 */
function addSources(li, info) {
  const handlers = info.handlers_used ?? [];
  const docs = info.sources ?? [];
  if (!handlers.length && !docs.length && !info.local) return;
  const meta = document.createElement('div');
  meta.className = 'meta';
  if (info.local) meta.append(Object.assign(document.createElement('div'), { textContent: t('localAnswer') }));
  if (handlers.length)
    meta.append(
      Object.assign(document.createElement('div'), { textContent: `${t('handlers')}: ${handlers.join(', ')}` }),
    );
  if (docs.length) {
    meta.append(Object.assign(document.createElement('div'), { textContent: `${t('sources')}:` }));
    const ul = document.createElement('ul');
    for (const doc of docs)
      ul.append(Object.assign(document.createElement('li'), { textContent: doc.title, title: doc.source }));
    meta.append(ul);
  }
  li.append(meta);
}

/** What a proposed action does, in the client's words. @param {string} key */
function plainAction(key) {
  if (key.startsWith('lead.')) return t('actionLead');
  if (key.startsWith('memory.')) return t('actionMemory');
  if (/\.(send|send_bulk|notify|reply)$/.test(key)) return t('actionSend');
  return t('actionOther');
}

/** @param {HTMLElement} card @param {string} status @param {string} id */
function paintCard(card, status, id) {
  card.dataset.status = status;
  card.className = `action-card ${status}`;
  const label =
    {
      pending: t('waiting'),
      executed: t('executed'),
      rejected: t('rejected'),
      expired: t('expired'),
      failed: t('failed'),
    }[status] ?? status;
  /** @type {HTMLElement} */ (card.querySelector('.status')).textContent = label;
  const what = /** @type {HTMLElement} */ (card.querySelector('.what'));
  what.textContent = plainAction(what.dataset.key ?? '');
  /** @type {HTMLElement} */ (card.querySelector('.detail')).textContent = status === 'pending' ? t('waitingText') : '';
  card.setAttribute('aria-label', `${label} (${id.slice(0, 8)})`);
}

/** @param {HTMLElement} li @param {{ id: string, summary?: string, key?: string }} action @param {string} [status] */
function addCard(li, action, status = 'pending') {
  const card = document.createElement('div');
  card.setAttribute('role', 'group');
  const title = Object.assign(document.createElement('div'), { className: 'status' });
  const summary = Object.assign(document.createElement('div'), { className: 'small what' });
  summary.dataset.key = action.key ?? '';
  const detail = Object.assign(document.createElement('div'), { className: 'detail small muted' });
  card.append(title, summary, detail);
  li.append(card);
  paintCard(card, status, action.id);
  cards.set(action.id, card);
}

/** Asks for the pending cards' decisions; staff decide in the console. */
async function refreshCards() {
  for (const [id, card] of cards) {
    if (card.dataset.status !== 'pending') continue;
    try {
      const { action } = await api(`/v1/actions/${encodeURIComponent(id)}`);
      if (action.status !== 'pending') paintCard(card, action.status, id);
    } catch {
      /* the next round asks again */
    }
  }
}

/** @param {unknown} error */
function showError(error) {
  if (error instanceof ApiError && error.code === 'rate_limited')
    notice('warn', t('rateLimited', { s: error.body.retry_after_seconds ?? 60 }));
  else if (error instanceof ApiError && error.code === 'model_unavailable') notice('warn', t('modelDown'));
  else if (error instanceof ApiError && error.code === 'csrf_failed') notice('bad', error.message);
  else if (error instanceof TypeError) notice('bad', t('offline'));
  else notice('bad', t('error'));
}

/** @param {string} text */
async function send(text) {
  if (busy || !text.trim()) return;
  busy = true;
  sendButton.disabled = true;
  notice('');
  addMessage('user', text);
  const li = addMessage('assistant', '');
  const body = /** @type {HTMLElement} */ (li.querySelector('.body'));
  body.classList.add('typing');
  li.setAttribute('aria-busy', 'true');
  let written = '';
  let frame = 0;
  const paint = () => {
    frame = 0;
    body.innerHTML = renderMarkdown(written);
    li.scrollIntoView({ block: 'end' });
  };
  try {
    await streamChat({ message: text, conversation_id: conversationId() }, (event, data) => {
      if (event === 'token') {
        written += data.text;
        frame ||= requestAnimationFrame(paint);
      } else if (event === 'pending_action') addCard(li, data);
      else if (event === 'error') throw new ApiError(data.error === 'rate_limited' ? 429 : 503, data);
      else if (event === 'done') {
        written = data.response;
        // A proposed action was not looked up: it shows as its card instead.
        data.handlers_used = (data.handlers_used ?? []).filter(
          (/** @type {string} */ k) => !(data.pending_actions ?? []).some((/** @type {any} */ a) => a.key === k),
        );
        localStorage.setItem(storageKey('conversation'), data.conversation_id);
        localStorage.setItem(
          `zantara.sources.${data.turn_id}`,
          JSON.stringify({ handlers_used: data.handlers_used, sources: data.sources, local: data.local }),
        );
        paint();
        addSources(li, data);
        for (const action of data.pending_actions ?? []) if (!cards.has(action.id)) addCard(li, action);
      }
    });
  } catch (error) {
    if (!written) li.remove();
    showError(error);
  } finally {
    if (frame) cancelAnimationFrame(frame);
    body.classList.remove('typing');
    li.removeAttribute('aria-busy');
    busy = false;
    sendButton.disabled = false;
    input.focus();
  }
}

/** Shows the stored conversation again after a reload. */
async function loadHistory() {
  const id = conversationId();
  if (!id) return;
  try {
    const { messages: stored } = await api(`/v1/conversations/${encodeURIComponent(id)}/messages`);
    for (const m of stored) {
      if (m.role === 'user') addMessage('user', m.content);
      if (m.role !== 'assistant') continue;
      const li = addMessage('assistant', m.content);
      const saved = m.parts?.turn_id ? localStorage.getItem(`zantara.sources.${m.parts.turn_id}`) : null;
      if (saved) addSources(li, JSON.parse(saved));
      for (const actionId of m.parts?.pending_actions ?? []) {
        try {
          const { action } = await api(`/v1/actions/${encodeURIComponent(actionId)}`);
          addCard(li, action, action.status);
        } catch {
          /* an action no longer visible is left out */
        }
      }
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) localStorage.removeItem(storageKey('conversation'));
    else showError(error);
  }
}

function newConversation() {
  localStorage.removeItem(storageKey('conversation'));
  messages.replaceChildren();
  cards.clear();
  notice('');
  $('welcome').hidden = false;
  input.focus();
}

async function showChat() {
  $('signin').hidden = true;
  $('chat').hidden = false;
  $('new-chat').hidden = false;
  $('sign-out').hidden = Boolean(session.principal?.guest);
  $('guest-note').hidden = !session.principal?.guest;
  await loadHistory();
  input.focus();
}

function showSignIn() {
  $('chat').hidden = true;
  $('signin').hidden = false;
  $('new-chat').hidden = true;
  $('sign-out').hidden = true;
  $('key').focus();
}

async function start() {
  setupLanguage();
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value;
    input.value = '';
    void send(text);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });
  for (const b of document.querySelectorAll('[data-example]')) {
    b.addEventListener('click', () => void send(/** @type {HTMLElement} */ (b).textContent ?? ''));
  }
  $('new-chat').addEventListener('click', newConversation);
  $('sign-out').addEventListener('click', async () => {
    await signOut().catch(() => undefined);
    messages.replaceChildren();
    showSignIn();
  });
  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const field = /** @type {HTMLInputElement} */ ($('key'));
    const error = $('signin-error');
    try {
      await signIn(field.value.trim());
      field.value = '';
      error.hidden = true;
      await showChat();
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status === 401 ? t('badKey') : t('error');
      error.hidden = false;
    }
  });
  $('contact-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.target);
    const data = Object.fromEntries(new FormData(form));
    const result = $('contact-result');
    try {
      await api('/web/contact', { body: { ...data, language: document.documentElement.lang } });
      form.reset();
      result.className = 'wide notice ok';
      result.textContent = t('contactSent');
    } catch (error) {
      result.className = 'wide notice bad';
      result.textContent =
        error instanceof ApiError && error.code === 'rate_limited'
          ? t('rateLimited', { s: error.body.retry_after_seconds ?? 60 })
          : error instanceof ApiError
            ? error.message
            : t('error');
    }
  });
  setInterval(() => {
    if (!document.hidden) void refreshCards();
  }, 4000);
  try {
    await loadSession(true);
  } catch (error) {
    showSignIn();
    showError(error);
    return;
  }
  if (session.principal) await showChat();
  else showSignIn();
}

void start();
