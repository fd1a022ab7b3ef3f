import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { drive, type drive_v3 } from '@googleapis/drive';
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import { docs, type docs_v1 } from '@googleapis/docs';
import { slides, type slides_v1 } from '@googleapis/slides';
import { people, type people_v1 } from '@googleapis/people';
import type { OAuth2Client } from 'google-auth-library';
import type { Principal } from '../../auth/principal.ts';
import { isStaff } from '../../auth/principal.ts';
import { ZantaraError } from '../../errors.ts';
import type { Env } from '../../config/env.ts';
import { defineService } from '../../runtime/service.ts';
import { createGoogleAuth } from './google-auth.ts';
import { loadGoogleConfig, type GoogleConfig } from './google-config.ts';
import { mapGoogleError } from './google-errors.ts';

export type WorkspaceClients = {
  /** Who the calls act as: the impersonated address, or `me` for the OAuth refresh-token user. */
  user: string;
  gmail: gmail_v1.Gmail;
  calendar: calendar_v3.Calendar;
  drive: drive_v3.Drive;
  sheets: sheets_v4.Sheets;
  docs: docs_v1.Docs;
  slides: slides_v1.Slides;
  people: people_v1.People;
  /** Per-call options for methods that ignore the client's rootUrl (media uploads build their URL from these). */
  methodOptions: { rootUrl?: string };
};

type Configured = Exclude<GoogleConfig, { mode: 'none' }>;

const MAX_CACHED_USERS = 50;

/**
 * Google Workspace access for handlers and the gmail deliverer: resolves who to act as (the configured user, or a
 * staff member's `as_user` inside the Workspace domain) and hands out API clients with cached tokens.
 */
export class GoogleWorkspace {
  readonly config: GoogleConfig;
  readonly #clients = new Map<string, WorkspaceClients>();

  constructor(env: Env) {
    this.config = loadGoogleConfig(env);
  }

  get configured(): boolean {
    return this.config.mode !== 'none';
  }

  /** @throws 503 `integration_not_configured` when no Google credentials are set. */
  requireConfigured(): Configured {
    if (this.config.mode === 'none') {
      throw new ZantaraError('integration_not_configured', this.config.reason, {
        expose: true,
        status: 503,
        details: { integration: 'google_workspace' },
      });
    }
    return this.config;
  }

  /**
   * The user a call acts as. `asUser` is honoured only for staff, only with a service account, and only inside
   * GOOGLE_WORKSPACE_DOMAIN.
   */
  resolveUser(principal: Principal, asUser?: string): string {
    const config = this.requireConfigured();
    if (asUser) {
      const wanted = asUser.trim().toLowerCase();
      if (!isStaff(principal))
        throw new ZantaraError('impersonation_not_allowed', 'Only staff may act as another Workspace user.', {
          status: 403,
        });
      if (config.mode !== 'service_account') {
        throw new ZantaraError(
          'impersonation_unavailable',
          'as_user needs a service account with domain-wide delegation; the OAuth refresh token acts as one fixed user.',
          { status: 422 },
        );
      }
      if (!config.domain) {
        throw new ZantaraError(
          'impersonation_not_allowed',
          'as_user is disabled: GOOGLE_WORKSPACE_DOMAIN is not set.',
          { status: 403 },
        );
      }
      if (!wanted.endsWith(`@${config.domain}`) || wanted.indexOf('@') !== wanted.lastIndexOf('@')) {
        throw new ZantaraError('impersonation_not_allowed', `as_user must be an address in ${config.domain}.`, {
          status: 403,
          details: { domain: config.domain },
        });
      }
      return wanted;
    }
    if (config.mode === 'oauth') return 'me';
    if (!config.defaultUser) {
      throw new ZantaraError(
        'integration_not_configured',
        'The Google service account has no user to act as: set GOOGLE_IMPERSONATE_USER (or pass as_user).',
        { expose: true, status: 503, details: { integration: 'google_workspace' } },
      );
    }
    return config.defaultUser;
  }

  /** API clients acting as `user` (from `resolveUser`). */
  clients(user: string): WorkspaceClients {
    const config = this.requireConfigured();
    let clients = this.#clients.get(user);
    if (!clients) {
      const auth = createGoogleAuth(config, config.mode === 'service_account' ? user : undefined);
      clients = buildClients(user, auth, config);
      if (this.#clients.size >= MAX_CACHED_USERS) this.#clients.delete(this.#clients.keys().next().value!);
      this.#clients.set(user, clients);
    }
    return clients;
  }

  /** Resolves the user and returns the clients: the one call most handlers make. */
  for(principal: Principal, asUser?: string): WorkspaceClients {
    return this.clients(this.resolveUser(principal, asUser));
  }
}

function buildClients(user: string, auth: OAuth2Client, config: Configured): WorkspaceClients {
  // One retry owner: the caller decides; gaxios must not retry 429/5xx underneath (retry: false).
  const options = {
    auth,
    retry: false,
    timeout: config.timeoutMs,
    ...(config.rootUrl ? { rootUrl: withSlash(config.rootUrl) } : {}),
  };
  // docs and slides ship an older googleapis-common with its own copy of google-auth-library: same runtime
  // interface, different nominal type.
  const legacy = options as unknown as docs_v1.Options;
  return {
    user,
    gmail: gmail({ version: 'v1', ...options }),
    calendar: calendar({ version: 'v3', ...options }),
    drive: drive({ version: 'v3', ...options }),
    sheets: sheets({ version: 'v4', ...options }),
    docs: docs({ ...legacy, version: 'v1' }),
    slides: slides({ ...(legacy as unknown as slides_v1.Options), version: 'v1' }),
    people: people({ version: 'v1', ...options }),
    methodOptions: config.rootUrl ? { rootUrl: withSlash(config.rootUrl) } : {},
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Runs one Google API call and maps its failure (see `mapGoogleError`). */
export async function callGoogle<T>(what: string, fn: () => Promise<{ data: T }>): Promise<T> {
  try {
    return (await fn()).data;
  } catch (error) {
    throw mapGoogleError(error, what);
  }
}

export const googleWorkspaceService = defineService('google-workspace', (runtime) => new GoogleWorkspace(runtime.env));
