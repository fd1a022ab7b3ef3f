import { createSign } from 'node:crypto';
import { OAuth2Client } from 'google-auth-library';
import { ZantaraError } from '../../errors.ts';
import type { GoogleConfig, ServiceAccountKey } from './google-config.ts';

/**
 * The scopes ZANTARA asks for. With a service account they must be granted to its client id in the Workspace Admin
 * console (Security → API controls → Domain-wide delegation); with OAuth they must be in the refresh token's consent.
 */
export const WORKSPACE_SCOPES = [
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.send',
  'https://www.googleapis.com/auth/calendar',
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/spreadsheets',
  'https://www.googleapis.com/auth/documents',
  'https://www.googleapis.com/auth/presentations',
  'https://www.googleapis.com/auth/contacts',
] as const;

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

type AccessToken = { access_token: string; expiry_date: number };
type Configured = Exclude<GoogleConfig, { mode: 'none' }>;

/**
 * An OAuth2Client (google-auth-library) whose access tokens come from the configured token endpoint: a JWT-bearer
 * grant signed with the service account key for `subject` (domain-wide delegation), or a refresh-token grant.
 * The library caches the token and refreshes it shortly before expiry through `refreshHandler`.
 */
export function createGoogleAuth(config: Configured, subject: string | undefined): OAuth2Client {
  // forceRefreshOnFailure: a 401 (token revoked or expired early) gets one fresh token and one more try.
  const client = new OAuth2Client({ eagerRefreshThresholdMillis: 60_000, forceRefreshOnFailure: true });
  const grant =
    config.mode === 'service_account'
      ? () => jwtBearerGrant(config.key, subject, config.tokenUrl, config.timeoutMs)
      : () => refreshTokenGrant(config, config.timeoutMs);
  // Parallel calls with an expired token share one token request.
  let inFlight: Promise<AccessToken> | undefined;
  client.refreshHandler = () =>
    (inFlight ??= grant().finally(() => {
      inFlight = undefined;
    }));
  return client;
}

/** RFC 7523 JWT-bearer grant, the way Google documents it for service accounts (`sub` = the impersonated user). */
export async function jwtBearerGrant(
  key: ServiceAccountKey,
  subject: string | undefined,
  tokenUrl: string,
  timeoutMs = 20_000,
): Promise<AccessToken> {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const claims = {
    iss: key.client_email,
    ...(subject ? { sub: subject } : {}),
    scope: WORKSPACE_SCOPES.join(' '),
    aud: tokenUrl,
    iat: now,
    exp: now + 3600,
  };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  let signature: string;
  try {
    signature = createSign('RSA-SHA256').update(unsigned).sign(key.private_key).toString('base64url');
  } catch (error) {
    throw new ZantaraError(
      'invalid_config',
      'GOOGLE_SERVICE_ACCOUNT_JSON: the private key cannot sign (is it a PEM RSA key?).',
      { status: 500, expose: true, cause: error },
    );
  }
  return postTokenRequest(
    tokenUrl,
    new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: `${unsigned}.${signature}` }),
    timeoutMs,
  );
}

async function refreshTokenGrant(
  config: Extract<GoogleConfig, { mode: 'oauth' }>,
  timeoutMs: number,
): Promise<AccessToken> {
  return postTokenRequest(
    config.tokenUrl,
    new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: config.refreshToken,
      client_id: config.clientId,
      client_secret: config.clientSecret,
    }),
    timeoutMs,
  );
}

async function postTokenRequest(tokenUrl: string, body: URLSearchParams, timeoutMs: number): Promise<AccessToken> {
  let response: Response;
  try {
    response = await fetch(tokenUrl, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new ZantaraError(
      'google_unavailable',
      `Google's token endpoint is unreachable: ${(error as Error).message}`,
      { expose: true, status: 502, cause: error },
    );
  }
  const json = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    expires_in?: number;
    error?: string;
    error_description?: string;
  };
  if (response.status === 429) {
    throw new ZantaraError('rate_limited', 'Google is rate-limiting token requests; try again shortly.', {
      status: 429,
      details: { retry_after_seconds: retryAfterSeconds(response.headers.get('retry-after')), provider: 'google' },
    });
  }
  if (response.status >= 500)
    throw new ZantaraError('google_unavailable', `Google's token endpoint answered ${response.status}.`, {
      expose: true,
      status: 502,
    });
  if (!response.ok || !json.access_token) {
    // invalid_grant / unauthorized_client: wrong key, revoked token, or delegation not granted for these scopes.
    const reason = json.error
      ? `${json.error}${json.error_description ? `: ${json.error_description}` : ''}`
      : `status ${response.status}`;
    throw new ZantaraError(
      'google_auth_failed',
      `Google refused ZANTARA's credentials (${reason}). Check the key, the refresh token or the domain-wide delegation scopes.`,
      { expose: true, status: 502, details: { provider_error: json.error ?? null } },
    );
  }
  return { access_token: json.access_token, expiry_date: Date.now() + (json.expires_in ?? 3600) * 1000 };
}

export function retryAfterSeconds(header: string | null | undefined): number {
  const seconds = Number(header);
  if (header && Number.isFinite(seconds) && seconds >= 0) return Math.max(1, Math.ceil(seconds));
  const date = header ? Date.parse(header) : Number.NaN;
  return Number.isNaN(date) ? 30 : Math.max(1, Math.ceil((date - Date.now()) / 1000));
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
