import type { Kysely, Migration } from 'kysely';

/**
 * Authorization codes (SPEC §3) and the signing key an app's API key names. Codes are stored as keyed
 * hashes, consumed by one conditional UPDATE, and kept 24 h past expiry so that the app exchange can
 * tell `code_expired` from `invalid_code`.
 */
export function authorizationCodes(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('authorization_codes')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('redirect_uri_sent', 'integer', (c) => c.notNull())
        .addColumn('code_challenge', 'text')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('store_ids', 'text', (c) => c.notNull())
        .addColumn('owner_type', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('grant_id', 'text')
        .execute();
      await db.schema.createIndex('authorization_codes_expiry').on('authorization_codes').column('expires_at').execute();
      await db.schema.alterTable('grants').addColumn('api_key_kid', 'text').execute();
      await db.schema.createIndex('grants_api_key_kid').on('grants').column('api_key_kid').execute();
    },
  };
}
