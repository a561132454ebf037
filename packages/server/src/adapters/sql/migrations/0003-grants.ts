import type { Kysely, Migration } from 'kysely';

/**
 * Grants (SPEC §1: one authorization — who, which client, which stores, which scopes), their refresh
 * tokens, the access-token denylist and the JWT-bearer assertion ids already used. Grants are never
 * deleted by their causes, only marked revoked, so the audit trail and reuse detection keep working.
 */
export function grants(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('client_record_id', 'text', (c) => c.notNull())
        .addColumn('client_kind', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('owner_type', 'text')
        .addColumn('owner_id', 'text')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_reason', 'text')
        .execute();
      await db.schema.createIndex('grants_client').on('grants').column('client_id').execute();
      await db.schema.createIndex('grants_owner').on('grants').columns(['owner_type', 'owner_id']).execute();

      await db.schema
        .createTable('grant_stores')
        .addColumn('grant_id', 'text', (c) => c.notNull().references('grants.id').onDelete('cascade'))
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('grant_stores_pk', ['grant_id', 'store_id'])
        .execute();
      await db.schema.createIndex('grant_stores_store').on('grant_stores').column('store_id').execute();

      await db.schema
        .createTable('refresh_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('grant_id', 'text', (c) => c.notNull().references('grants.id').onDelete('cascade'))
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('parent_id', 'text')
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('successor_cipher', 'text')
        .addColumn('grace_until', 'text')
        .execute();
      await db.schema.createIndex('refresh_tokens_grant').on('refresh_tokens').column('grant_id').execute();

      await db.schema
        .createTable('revoked_access_tokens')
        .addColumn('jti', 'text', (c) => c.primaryKey())
        .addColumn('grant_id', 'text')
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('used_assertions')
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('jti', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('used_assertions_pk', ['client_id', 'jti'])
        .execute();
    },
  };
}
