import { type Kysely, type Migration, sql } from 'kysely';

/**
 * What the security review asked of storage (SPEC §1, §3, §5):
 * - `tokens_invalid_before` on credentials and apps: rotating a secret as compromised ends every
 *   token the client obtained before that moment, grant or no grant;
 * - `mode` on audit entries, so that a store-bound token reads the entries of its own mode only;
 * - `sign_in_sessions`: sessions of the sign-in pages kept server side (by the hash of their id), so
 *   that sign-out, a password change and a deletion end them at once.
 */
export function sessionsAndLiveness(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('credentials').addColumn('tokens_invalid_before', 'text').execute();
      await db.schema.alterTable('apps').addColumn('tokens_invalid_before', 'text').execute();
      await db.schema.alterTable('audit_entries').addColumn('mode', 'text').execute();
      await db.schema
        .createTable('sign_in_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('person_type', 'text', (c) => c.notNull().check(sql`person_type in ('user', 'customer')`))
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('store_id', 'text')
        .addColumn('mode', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sign_in_sessions_person').on('sign_in_sessions').columns(['person_type', 'person_id']).execute();
      await db.schema.createIndex('sign_in_sessions_expiry').on('sign_in_sessions').column('expires_at').execute();
    },
  };
}
