/**
 * `zantara_unaccent(text)`: lower-case text without accents, IMMUTABLE so it can feed generated tsvector columns
 * and indexes. unaccent's own function is only STABLE; wrapping it with its dictionary named explicitly is the
 * documented way. Where the unaccent extension is missing the function only lower-cases (search still works,
 * accents then matter).
 */
import type { Store } from '../store.ts';

export async function up(store: Store): Promise<void> {
  const found = await store.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'`,
  );
  const schema = found.rows[0]?.schema;
  const body =
    schema && /^[a-z_][a-z0-9_]*$/.test(schema)
      ? `SELECT lower(${schema}.unaccent('${schema}.unaccent'::regdictionary, $1))`
      : 'SELECT lower($1)';
  await store.exec(`CREATE OR REPLACE FUNCTION zantara_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $fn$ ${body} $fn$;`);
}
