/** Who is acting. It comes only from a credential (an API key, a signed channel webhook), never from message text. */
export const ROLES = ['admin', 'staff', 'client'] as const;
export type Role = (typeof ROLES)[number];

export type Principal = {
  /** The principal's id (principals.id). */
  id: string;
  role: Role;
  name: string;
  /** The API key used, when the principal authenticated with one. */
  keyId?: string;
  /**
   * How the principal was authenticated; `web_session`: a browser session opened with an API key (keyId set);
   * `guest`: a visitor of the public web chat (signed cookie, read handlers only).
   */
  via: 'api_key' | 'channel' | 'system' | 'web_session' | 'guest';
};

/** The principal used by the server itself (start-up tasks, workers). Never reachable from a request. */
export const SYSTEM_PRINCIPAL: Principal = {
  id: '00000000-0000-0000-0000-000000000000',
  role: 'admin',
  name: 'system',
  via: 'system',
};

export function isStaff(principal: Principal): boolean {
  return principal.role === 'staff' || principal.role === 'admin';
}
