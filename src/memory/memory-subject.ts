import type { Principal } from '../auth/principal.ts';
import { ZantaraError, forbidden } from '../errors.ts';
import type { Queryable } from '../store/store.ts';

/**
 * Whose memory a call acts on: always the caller's own, unless a staff member or admin names a client with
 * `user_id`. A client naming anyone (even itself) is refused, and there is no "all users" form at all.
 * @throws ZantaraError forbidden (403) | user_not_found (404) | not_a_client (422)
 */
export async function memorySubject(db: Queryable, principal: Principal, userId: string | undefined): Promise<string> {
  if (userId === undefined) return principal.id;
  if (principal.role === 'client') throw forbidden('A client can only reach its own memory: leave out user_id.');
  const { rows } = await db.query<{ role: string }>('SELECT role FROM principals WHERE id = $1', [userId]);
  if (!rows[0])
    throw new ZantaraError('user_not_found', `No user with id ${userId}.`, {
      status: 404,
      details: { user_id: userId },
    });
  if (rows[0].role !== 'client') {
    throw new ZantaraError(
      'not_a_client',
      'user_id must be a client; staff and admin memories are reachable only by their owners.',
      { status: 422, details: { user_id: userId } },
    );
  }
  return userId;
}
