// @ts-check
/** The browser side of ZANTARA's HTTP API: the session (cookie + CSRF token), JSON calls and the streamed chat turn. */
import { createParser } from '/vendor/eventsource-parser.js';

/** @typedef {{ id: string, role: string, name: string, guest: boolean }} SessionPrincipal */
/** @type {{ csrf?: string, principal?: SessionPrincipal, public_chat?: boolean }} */
export const session = {};

/** An error answered by the server in the one envelope. */
export class ApiError extends Error {
  /** @param {number} status @param {Record<string, any>} body */
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error ?? 'http_error';
    this.body = body;
  }
}

/**
 * A JSON request with the session cookie; state changes carry the CSRF token.
 * @param {string} path @param {{ method?: string, body?: unknown }} [init]
 */
export async function api(path, init = {}) {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && session.csrf) headers['x-csrf-token'] = session.csrf;
  const res = await fetch(path, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || body.ok === false) throw new ApiError(res.status, body);
  return body;
}

/** Calls a handler through /call with the session. @param {string} key @param {Record<string, unknown>} [params] */
export async function call(key, params = {}) {
  return (await api('/call', { body: { key, params } })).data;
}

/** Loads the session state; `asGuest` (the chat page) asks for a guest cookie when the public chat is on. */
export async function loadSession(asGuest = false) {
  Object.assign(
    session,
    { csrf: undefined, principal: undefined },
    await api(asGuest ? '/web/session?guest=1' : '/web/session'),
  );
  return session;
}

/** Exchanges an API key for a session cookie; the key is not kept. @param {string} key */
export async function signIn(key) {
  Object.assign(session, await api('/web/session', { body: { key } }));
  return session;
}

export async function signOut() {
  await api('/web/session', { method: 'DELETE' });
  Object.assign(session, { csrf: undefined, principal: undefined, signed_in: false });
}

/**
 * One streamed chat turn over POST /v1/chat (Server-Sent Events); `onEvent` gets each event as it arrives.
 * @param {{ message: string, conversation_id?: string }} body
 * @param {(name: string, data: any) => void} onEvent
 * @param {AbortSignal} [signal]
 */
export async function streamChat(body, onEvent, signal) {
  const res = await fetch('/v1/chat', {
    method: 'POST',
    signal,
    credentials: 'same-origin',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json', 'x-csrf-token': session.csrf ?? '' },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) throw new ApiError(res.status, await res.json().catch(() => ({})));
  const parser = createParser({ onEvent: (e) => onEvent(e.event ?? 'message', JSON.parse(e.data)) });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
}
