import type { Kysely } from 'kysely';
import type { Database } from './database-schema';

/** SPEC §3's longest default lifetime (sales channels); a credential may set a longer one. */
const LONGEST_DEFAULT = 14400;

/**
 * The longest an access token issued now could live, in seconds: how long a retiring signing key must
 * stay in the JWKS (SPEC §4).
 */
export async function longestTokenLifetime(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('credentials')
    .select((eb) => eb.fn.max('expires_in').as('longest'))
    .executeTakeFirst();
  return Math.max(LONGEST_DEFAULT, Number(row?.longest ?? 0));
}
