/**
 * Fake Google on loopback for tests: the OAuth token endpoint, Gmail, Calendar, Drive, Sheets, Docs, Slides, People,
 * Places (New) and Routes, all on one port (their paths do not overlap), so one GOOGLE_API_BASE_URL serves every
 * client. Bearer tokens must come from the fake token endpoint; Maps calls need the fake API key.
 *
 * @example
 * const google = await startFakeGoogle();
 * const rt = await createTestRuntime({ store, env: google.serviceAccountEnv('info@balizero.test') });
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { FakeHttpServer } from './fake-http.ts';
import { FakeTokenEndpoint } from './fake-token-endpoint.ts';
import { FakeGmail } from './fake-gmail.ts';
import { FakeCalendar, FakeDocs, FakeDrive, FakePeople, FakeSheets, FakeSlides } from './fake-workspace.ts';
import { FakeMaps } from './fake-maps.ts';

export type FakeGoogle = {
  url: string;
  tokenUrl: string;
  http: FakeHttpServer;
  token: FakeTokenEndpoint;
  gmail: FakeGmail;
  calendar: FakeCalendar;
  drive: FakeDrive;
  sheets: FakeSheets;
  docs: FakeDocs;
  slides: FakeSlides;
  people: FakePeople;
  maps: FakeMaps;
  /** The service account key JSON (with a freshly generated RSA key) the token endpoint trusts. */
  serviceAccountJson: string;
  /** Env for a runtime using the service account, acting as `user`, limited to `domain`. */
  serviceAccountEnv(user: string, domain?: string): Record<string, string>;
  /** Env for a runtime using the OAuth refresh token (which acts as `oauthUser`). */
  oauthEnv(): Record<string, string>;
  oauthUser: string;
  mapsEnv(): Record<string, string>;
  close(): Promise<void>;
};

export async function startFakeGoogle(options: { oauthUser?: string } = {}): Promise<FakeGoogle> {
  const http = new FakeHttpServer();
  const token = new FakeTokenEndpoint();
  const gmail = new FakeGmail();
  const calendar = new FakeCalendar();
  const drive = new FakeDrive();
  const sheets = new FakeSheets();
  const docs = new FakeDocs();
  const slides = new FakeSlides();
  const people = new FakePeople();
  const maps = new FakeMaps();
  http.route(
    token.route('/token'),
    ...gmail.routes(),
    ...calendar.routes(),
    ...drive.routes(),
    ...sheets.routes(),
    ...docs.routes(),
    ...slides.routes(),
    ...people.routes(),
    ...maps.routes(),
  );
  http.tokenOwner = (t) => token.ownerOf(t);
  http.apiKey = `AIza-fake-${randomBytes(8).toString('hex')}`;
  const url = await http.start();
  const tokenUrl = `${url}/token`;
  token.audience = tokenUrl;

  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const clientEmail = 'zantara@balizero-test.iam.gserviceaccount.com';
  token.setServiceAccount(clientEmail, publicKey);
  const serviceAccountJson = JSON.stringify({
    type: 'service_account',
    project_id: 'balizero-test',
    private_key_id: randomBytes(8).toString('hex'),
    private_key: privateKey,
    client_email: clientEmail,
    client_id: '1234567890',
    token_uri: tokenUrl,
  });
  const oauthUser = options.oauthUser ?? 'owner@balizero.test';
  token.oauth = {
    clientId: 'fake-client.apps.googleusercontent.com',
    clientSecret: `secret-${randomBytes(6).toString('hex')}`,
    refreshToken: `1//fake-${randomBytes(10).toString('hex')}`,
    user: oauthUser,
  };

  return {
    url,
    tokenUrl,
    http,
    token,
    gmail,
    calendar,
    drive,
    sheets,
    docs,
    slides,
    people,
    maps,
    serviceAccountJson,
    oauthUser,
    serviceAccountEnv: (user, domain) => ({
      GOOGLE_SERVICE_ACCOUNT_JSON: serviceAccountJson,
      GOOGLE_IMPERSONATE_USER: user,
      GOOGLE_API_BASE_URL: url,
      GOOGLE_TOKEN_URL: tokenUrl,
      ...(domain ? { GOOGLE_WORKSPACE_DOMAIN: domain } : {}),
    }),
    oauthEnv: () => ({
      GOOGLE_OAUTH_CLIENT_ID: token.oauth!.clientId,
      GOOGLE_OAUTH_CLIENT_SECRET: token.oauth!.clientSecret,
      GOOGLE_OAUTH_REFRESH_TOKEN: token.oauth!.refreshToken,
      GOOGLE_API_BASE_URL: url,
      GOOGLE_TOKEN_URL: tokenUrl,
    }),
    mapsEnv: () => ({ GOOGLE_MAPS_API_KEY: http.apiKey, GOOGLE_MAPS_BASE_URL: url, GOOGLE_ROUTES_BASE_URL: url }),
    close: () => http.close(),
  };
}
