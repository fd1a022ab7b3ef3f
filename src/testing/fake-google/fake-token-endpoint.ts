import { createPublicKey, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import type { FakeRequest, FakeResponse, FakeRoute } from './fake-http.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export type TokenGrant = { token: string; user: string; scope: string; grant: 'jwt_bearer' | 'refresh_token' };

/**
 * Google's OAuth 2.0 token endpoint as a fake: the JWT-bearer grant (the assertion's RS256 signature is verified
 * with the service account's public key, and iss/aud/exp/scope are checked) and the refresh-token grant.
 * Errors use the OAuth shape `{ error, error_description }`.
 */
export class FakeTokenEndpoint {
  readonly issued = new Map<string, TokenGrant>();
  readonly grants: TokenGrant[] = [];
  serviceAccount?: { email: string; publicKey: KeyObject };
  /** Users the service account may impersonate (domain-wide delegation granted); undefined = anyone. */
  delegatedUsers?: (user: string) => boolean;
  oauth?: { clientId: string; clientSecret: string; refreshToken: string; user: string };
  /** The URL the assertion's `aud` must name (the endpoint's own address). */
  audience = '';

  setServiceAccount(email: string, publicKeyPem: string): void {
    this.serviceAccount = { email, publicKey: createPublicKey(publicKeyPem) };
  }

  route(path: string): FakeRoute {
    return { method: 'POST', pattern: new RegExp(`^${path}$`), auth: 'none', handle: (req) => this.#handle(req) };
  }

  ownerOf(token: string): string | undefined {
    return this.issued.get(token)?.user;
  }

  /** Forgets every issued token, as if they all expired or were revoked. */
  revokeAll(): void {
    this.issued.clear();
  }

  #handle(req: FakeRequest): FakeResponse {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(req.body.toString('utf8'));
    const grantType = form.get('grant_type');
    if (grantType === JWT_BEARER) return this.#jwtBearer(form.get('assertion') ?? '');
    if (grantType === 'refresh_token') return this.#refresh(form);
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }

  #jwtBearer(assertion: string): FakeResponse {
    const sa = this.serviceAccount;
    if (!sa) return oauthError(400, 'invalid_grant', 'No service account is known to this fake.');
    const parts = assertion.split('.');
    if (parts.length !== 3)
      return oauthError(
        400,
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.',
      );
    const [h, p, signature] = parts;
    let header: { alg?: string };
    let claims: { iss?: string; sub?: string; scope?: string; aud?: string; iat?: number; exp?: number };
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    } catch {
      return oauthError(400, 'invalid_grant', 'Invalid JWT: malformed.');
    }
    if (header.alg !== 'RS256') return oauthError(400, 'invalid_grant', 'Invalid JWT: alg must be RS256.');
    const valid = createVerify('RSA-SHA256')
      .update(`${h}.${p}`)
      .verify(sa.publicKey, Buffer.from(signature, 'base64url'));
    if (!valid) return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
    const now = Math.floor(Date.now() / 1000);
    if (claims.iss !== sa.email)
      return oauthError(400, 'invalid_grant', 'Invalid JWT: iss is not the service account.');
    if (claims.aud !== this.audience)
      return oauthError(400, 'invalid_grant', `Invalid JWT: aud must be ${this.audience}.`);
    if (!claims.iat || !claims.exp || claims.exp <= now || claims.exp - claims.iat > 3600 || claims.iat > now + 300) {
      return oauthError(
        400,
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.',
      );
    }
    if (!claims.scope) return oauthError(400, 'invalid_scope', 'Empty or missing scope not allowed.');
    const user = claims.sub ?? sa.email;
    if (claims.sub && this.delegatedUsers && !this.delegatedUsers(claims.sub)) {
      return oauthError(
        401,
        'unauthorized_client',
        'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
      );
    }
    return this.#issue({ user, scope: claims.scope, grant: 'jwt_bearer' });
  }

  #refresh(form: URLSearchParams): FakeResponse {
    const oauth = this.oauth;
    if (!oauth || form.get('client_id') !== oauth.clientId || form.get('client_secret') !== oauth.clientSecret) {
      return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    }
    if (form.get('refresh_token') !== oauth.refreshToken)
      return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    return this.#issue({
      user: oauth.user,
      scope: 'https://www.googleapis.com/auth/gmail.readonly',
      grant: 'refresh_token',
    });
  }

  #issue(grant: Omit<TokenGrant, 'token'>): FakeResponse {
    const token = `ya29.fake-${randomBytes(12).toString('hex')}`;
    const record = { token, ...grant };
    this.issued.set(token, record);
    this.grants.push(record);
    return { json: { access_token: token, expires_in: 3599, scope: grant.scope, token_type: 'Bearer' } };
  }
}

function oauthError(status: number, error: string, description: string): FakeResponse {
  return { status, json: { error, error_description: description } };
}
