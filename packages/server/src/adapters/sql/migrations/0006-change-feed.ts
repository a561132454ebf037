import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * `change_feed` (SPEC §4): the revocation notices that resource servers without Redis poll at
 * `GET /oauth/changes?since=CURSOR`. `seq` is the cursor: an ever-growing integer kept in the
 * database, so a guard's cursor stays valid across restarts and between instances. `seconds` holds a revoked token's exp or the moment a client's tokens ended; `expires_at` (ISO
 * text, null for never) is when the notice stops mattering; older ones are no longer served.
 */
export function changeFeed(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('change_feed')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('seconds', 'bigint')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .execute();
      await db.schema.createIndex('change_feed_expiry').on('change_feed').column('expires_at').execute();
    },
  };
}
