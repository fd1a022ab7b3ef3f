import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseEnv, type Env } from '../../config/env.ts';
import { ZantaraError } from '../../errors.ts';

/** Google's OAuth 2.0 token endpoint; overridable so tests and proxies can point elsewhere. */
export const DEFAULT_GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export const googleEnvSchema = z.object({
  GOOGLE_SERVICE_ACCOUNT_JSON: z
    .string()
    .optional()
    .describe('Service account key: a path to the JSON key file, or the JSON itself'),
  GOOGLE_IMPERSONATE_USER: z
    .string()
    .email()
    .optional()
    .describe('Workspace user the service account acts as (domain-wide delegation), e.g. info@balizero.com'),
  GOOGLE_WORKSPACE_DOMAIN: z
    .string()
    .min(3)
    .optional()
    .describe('The Workspace domain; per-request impersonation (as_user) is limited to addresses in it'),
  GOOGLE_OAUTH_CLIENT_ID: z.string().optional(),
  GOOGLE_OAUTH_CLIENT_SECRET: z.string().optional(),
  GOOGLE_OAUTH_REFRESH_TOKEN: z.string().optional(),
  GOOGLE_API_BASE_URL: z.string().url().optional().describe('rootUrl for every Google API client (tests, proxies)'),
  GOOGLE_TOKEN_URL: z.string().url().default(DEFAULT_GOOGLE_TOKEN_URL),
  GOOGLE_DRIVE_READ_MAX_BYTES: z.coerce.number().int().positive().default(2_000_000),
  GOOGLE_API_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
});

export type ServiceAccountKey = { client_email: string; private_key: string; private_key_id?: string };

export type GoogleConfig =
  | { mode: 'none'; reason: string }
  | {
      mode: 'service_account';
      key: ServiceAccountKey;
      /** The default mailbox/calendar owner; required for Gmail, Calendar and Drive of a user. */
      defaultUser?: string;
      domain?: string;
      tokenUrl: string;
      rootUrl?: string;
      driveReadMaxBytes: number;
      timeoutMs: number;
    }
  | {
      mode: 'oauth';
      clientId: string;
      clientSecret: string;
      refreshToken: string;
      domain?: string;
      tokenUrl: string;
      rootUrl?: string;
      driveReadMaxBytes: number;
      timeoutMs: number;
    };

/**
 * Reads the Google credentials from the environment. A service account wins over an OAuth refresh token when both
 * are set. Missing credentials are not an error here: handlers answer `integration_not_configured`.
 */
export function loadGoogleConfig(env: Env): GoogleConfig {
  const vars = parseEnv(googleEnvSchema, env);
  const common = {
    domain: vars.GOOGLE_WORKSPACE_DOMAIN?.toLowerCase().replace(/^@/, ''),
    tokenUrl: vars.GOOGLE_TOKEN_URL,
    rootUrl: vars.GOOGLE_API_BASE_URL,
    driveReadMaxBytes: vars.GOOGLE_DRIVE_READ_MAX_BYTES,
    timeoutMs: vars.GOOGLE_API_TIMEOUT_MS,
  };
  if (vars.GOOGLE_SERVICE_ACCOUNT_JSON) {
    return {
      mode: 'service_account',
      key: readServiceAccountKey(vars.GOOGLE_SERVICE_ACCOUNT_JSON),
      defaultUser: vars.GOOGLE_IMPERSONATE_USER?.toLowerCase(),
      ...common,
    };
  }
  const {
    GOOGLE_OAUTH_CLIENT_ID: clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: clientSecret,
    GOOGLE_OAUTH_REFRESH_TOKEN: refreshToken,
  } = vars;
  if (clientId && clientSecret && refreshToken)
    return { mode: 'oauth', clientId, clientSecret, refreshToken, ...common };
  if (clientId || clientSecret || refreshToken) {
    return {
      mode: 'none',
      reason:
        'Google OAuth is half configured: GOOGLE_OAUTH_CLIENT_ID, GOOGLE_OAUTH_CLIENT_SECRET and GOOGLE_OAUTH_REFRESH_TOKEN are all required.',
    };
  }
  return {
    mode: 'none',
    reason:
      'Google Workspace is not configured: set GOOGLE_SERVICE_ACCOUNT_JSON (with GOOGLE_IMPERSONATE_USER) or the GOOGLE_OAUTH_* refresh-token variables.',
  };
}

/** Accepts inline JSON (starts with `{`) or a path to the key file. */
function readServiceAccountKey(value: string): ServiceAccountKey {
  let text = value.trim();
  if (!text.startsWith('{')) {
    try {
      text = readFileSync(text, 'utf8');
    } catch (error) {
      throw new ZantaraError(
        'invalid_config',
        `GOOGLE_SERVICE_ACCOUNT_JSON: cannot read the key file ${value}: ${(error as Error).message}`,
        { status: 500, expose: true },
      );
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ZantaraError('invalid_config', 'GOOGLE_SERVICE_ACCOUNT_JSON is not valid JSON.', {
      status: 500,
      expose: true,
    });
  }
  const parsed = z
    .object({
      client_email: z.string().email(),
      private_key: z.string().includes('PRIVATE KEY'),
      private_key_id: z.string().optional(),
    })
    .safeParse(json);
  if (!parsed.success) {
    throw new ZantaraError(
      'invalid_config',
      'GOOGLE_SERVICE_ACCOUNT_JSON must be a service account key with client_email and private_key.',
      { status: 500, expose: true },
    );
  }
  return parsed.data;
}
