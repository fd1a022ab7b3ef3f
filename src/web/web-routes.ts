/**
 * The web app (docs/web-app.md): the client chat at `/`, the staff console at `/console`, their static files, and
 * the browser session endpoints. Browsers never hold an API key: `POST /web/session` exchanges one for an
 * HttpOnly, SameSite=Strict session cookie; every state change made with a cookie needs the `x-csrf-token` header.
 * With ZANTARA_PUBLIC_CHAT=1 a visitor gets a signed guest cookie, read-only handlers and strict limits.
 */
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import { z } from 'zod';
import { ZantaraError, invalidParams, issuesFromZod, unauthorized } from '../errors.ts';
import { handlerRegistry } from '../handlers/registry.ts';
import { approvalsService } from '../orchestrator/approvals.ts';
import { orchestratorService } from '../orchestrator/orchestrator.ts';
import { createRateLimiter } from '../rate-limit/rate-limiter.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { AppEnv } from '../http/app-env.ts';
import { readJsonObject } from '../http/envelope.ts';
import { contactBody, signInBody } from '../http/routes/web-bodies.ts';
import { assets } from './static-assets.ts';
import { webSessionsService, type WebIdentity } from './web-sessions.ts';

export const SESSION_COOKIE = 'zt_session';
export const GUEST_COOKIE = 'zt_guest';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ALL_GUESTS = { id: 'all-web-guests', role: 'client', name: 'all web guests', via: 'guest' } as const;

/** What a guest may reach: its own chat, conversations and proposed actions, and the contact form. */
function guestMayUse(method: string, path: string): boolean {
  if (method === 'POST') return path === '/v1/chat' || path === '/web/contact';
  return (
    method === 'GET' &&
    (path === '/v1/conversations' ||
      /^\/v1\/conversations\/[^/]+\/messages$/.test(path) ||
      /^\/v1\/actions\/[^/]+$/.test(path))
  );
}

const csp = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: 'no-referrer',
  crossOriginEmbedderPolicy: false,
});

function secure(c: Context<AppEnv>): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

export function webRoutes(app: Hono<AppEnv>, runtime: Runtime): void {
  const sessions = () => runtime.service(webSessionsService);
  const config = runtime.service(webSessionsService).config;
  // Guest limits are counted like every other limit: in Redis, shared by all replicas, when REDIS_URL is set.
  const { guestRate: one, guestGlobalRate: all } = config;
  const guestLimiter = createRateLimiter(
    {
      ...runtime.env,
      ZANTARA_RATE_LIMITS: `guest=${one.limit}/${one.windowSeconds},guest_all=${all.limit}/${all.windowSeconds}`,
    },
    () => runtime.clock.now().getTime(),
  );
  runtime.onClose(() => guestLimiter.close());
  const identities = new WeakMap<Request, WebIdentity>();

  // Turns a session or guest cookie into the request's principal, before any route; an API key header wins.
  app.use('*', async (c, next) => {
    const path = c.req.path;
    const apiPath =
      path.startsWith('/v1/') || path.startsWith('/call') || path.startsWith('/web/') || path === '/metrics';
    if (!apiPath || c.req.header('x-api-key') || c.req.header('authorization')) return next();
    let identity: WebIdentity | undefined;
    const sessionCookie = getCookie(c, SESSION_COOKIE);
    if (sessionCookie) identity = await sessions().resolve(sessionCookie);
    const guestCookie = getCookie(c, GUEST_COOKIE);
    if (!identity && config.publicChat && guestCookie && guestMayUse(c.req.method, path))
      identity = await sessions().guest(guestCookie);
    if (identity) {
      const signingIn = c.req.method === 'POST' && path === '/web/session';
      if (
        !SAFE_METHODS.has(c.req.method) &&
        !signingIn &&
        !sessions().checkCsrf(identity, c.req.header('x-csrf-token'))
      ) {
        throw new ZantaraError(
          'csrf_failed',
          'This change needs the x-csrf-token header of your session; reload the page.',
          { status: 403 },
        );
      }
      if (identity.principal.via === 'guest' && c.req.method === 'POST') {
        await guestLimiter.consume(identity.principal, 'guest');
        await guestLimiter.consume(ALL_GUESTS, 'guest_all');
        await sessions().rememberGuest(identity.principal);
      }
      c.set('principal', identity.principal);
      identities.set(c.req.raw, identity);
    }
    return next();
  });

  const page = (file: string) => async (c: Context<AppEnv>) => serveAsset(c, `/assets/${file}`);
  app.get('/', csp, page('chat.html'));
  app.get('/console', csp, page('console.html'));
  app.get('/assets/*', csp, (c) => serveAsset(c, c.req.path));
  app.get('/vendor/*', csp, (c) => serveAsset(c, c.req.path));

  app.get('/web/session', async (c) => {
    let identity = identities.get(c.req.raw);
    if (!identity && config.publicChat && c.req.query('guest') === '1') {
      const fresh = await sessions().newGuest();
      setCookie(c, GUEST_COOKIE, fresh.cookie, {
        httpOnly: true,
        secure: secure(c),
        sameSite: 'Strict',
        path: '/',
        maxAge: 90 * 86_400,
      });
      identity = fresh.identity;
    }
    c.header('cache-control', 'no-store');
    if (!identity) return c.json({ ok: true, signed_in: false, public_chat: config.publicChat });
    const { principal } = identity;
    return c.json({
      ok: true,
      signed_in: true,
      public_chat: config.publicChat,
      csrf: identity.csrf,
      expires_at: identity.expiresAt ?? null,
      principal: { id: principal.id, role: principal.role, name: principal.name, guest: principal.via === 'guest' },
    });
  });

  app.post('/web/session', async (c) => {
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) {
      throw invalidParams([{ path: '', message: 'send JSON' }], 'Sign in with a JSON body {"key": "..."}.');
    }
    const parsed = signInBody.safeParse(await readJsonObject(c));
    if (!parsed.success)
      throw invalidParams(issuesFromZod(parsed.error.issues), 'The body must be {"key": "<your API key>"}.');
    const opened = await sessions().open(parsed.data.key);
    if (!opened) throw unauthorized('The API key is unknown or revoked.');
    setCookie(c, SESSION_COOKIE, opened.cookie, {
      httpOnly: true,
      secure: secure(c),
      sameSite: 'Strict',
      path: '/',
      maxAge: config.sessionHours * 3600,
    });
    c.header('cache-control', 'no-store');
    return c.json({
      ok: true,
      signed_in: true,
      csrf: opened.csrf,
      expires_at: opened.expiresAt,
      principal: { id: opened.principal.id, role: opened.principal.role, name: opened.principal.name, guest: false },
    });
  });

  app.delete('/web/session', async (c) => {
    // A live session was CSRF-checked by the middleware; a dead one (expired, key revoked) is only forgotten.
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie && identities.get(c.req.raw)?.principal.via === 'web_session') await sessions().signOut(cookie);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c), sameSite: 'Strict', httpOnly: true });
    return c.json({ ok: true, signed_in: false });
  });

  // "Leave your contact": a lead proposed through the normal approval path; the team approves it in the console.
  app.post('/web/contact', async (c) => {
    const principal = identities.get(c.req.raw)?.principal;
    if (!principal) throw unauthorized('Open the chat page first.');
    const body = contactBody.safeParse(await readJsonObject(c));
    if (!body.success) throw invalidParams(issuesFromZod(body.error.issues));
    const handler = runtime.service(handlerRegistry).get('lead.save')!;
    const params = {
      ...body.data,
      source: 'web',
      message: body.data.message || undefined,
      email: body.data.email || undefined,
      phone: body.data.phone || undefined,
    };
    const checked = handler.input.safeParse(params);
    if (!checked.success)
      throw invalidParams(issuesFromZod(checked.error.issues), 'Give your name and an email or a phone number.');
    const expiresInMs = runtime.service(orchestratorService).config.approvals.expiry_minutes * 60_000;
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    const action = await runtime
      .service(approvalsService)
      .create({ principal, key: 'lead.save', params: clean, expiresInMs });
    return c.json({ ok: true, action });
  });
}

function serveAsset(c: Context<AppEnv>, path: string): Response {
  const asset = assets().get(path);
  if (!asset)
    return c.json({ ok: false, error: 'not_found', message: `No file ${path}.`, request_id: c.get('requestId') }, 404);
  c.header('content-type', asset.type);
  c.header('etag', asset.etag);
  c.header('cache-control', 'no-cache');
  c.header('vary', 'accept-encoding');
  if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304);
  if ((c.req.header('accept-encoding') ?? '').includes('gzip')) {
    c.header('content-encoding', 'gzip');
    return c.body(new Uint8Array(asset.gzip));
  }
  return c.body(new Uint8Array(asset.body));
}
