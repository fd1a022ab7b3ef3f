import type { MiddlewareHandler } from 'hono';
import { apiKeysService } from '../auth/api-keys.ts';
import type { Role } from '../auth/principal.ts';
import { forbidden, unauthorized } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { AppEnv } from './app-env.ts';

/**
 * Authenticates with an API key from `x-api-key` or `Authorization: Bearer`, or accepts the principal the web
 * session middleware (src/web) already verified from a session cookie and CSRF token. Nothing else (Origin, other
 * headers, message text) grants identity. Optionally restricts the route to some roles.
 */
export function requireKey(runtime: Runtime, roles?: readonly Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = c.get('principal');
    if (session && !c.req.header('x-api-key') && !c.req.header('authorization')) {
      if (roles && !roles.includes(session.role)) throw forbidden();
      await next();
      return;
    }
    const header = c.req.header('x-api-key') ?? bearer(c.req.header('authorization'));
    if (!header) throw unauthorized();
    const principal = await runtime.service(apiKeysService).verify(header.trim());
    if (!principal) throw unauthorized('The API key is unknown or revoked.');
    if (roles && !roles.includes(principal.role)) throw forbidden();
    c.set('principal', principal);
    await next();
  };
}

function bearer(value: string | undefined): string | undefined {
  const match = value?.match(/^Bearer\s+(.+)$/i);
  return match?.[1];
}
