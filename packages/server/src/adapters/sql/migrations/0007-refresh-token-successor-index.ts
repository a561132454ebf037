import type { Kysely, Migration } from 'kysely';

/**
 * Reading a refresh token looks up its successor (`parent_id` = the token's id) to tell a replay
 * from a retry within the grace period. Without an index that lookup scanned the whole
 * `refresh_tokens` table, so the refresh grant slowed down as tokens accumulated (a million tokens:
 * from hundreds to a handful of answers a second). Same on SQLite and PostgreSQL.
 */
export function refreshTokenSuccessorIndex(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('refresh_tokens_parent').on('refresh_tokens').column('parent_id').execute();
    },
  };
}
