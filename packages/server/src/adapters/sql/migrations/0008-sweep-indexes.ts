import type { Kysely, Migration } from 'kysely';

/**
 * Indexes that let the sweep (adapters/sql/sweep-expired-rows.ts) find each batch of expired rows
 * without scanning the table: with a million expired denylist entries, a batch is an index range, not
 * a full scan repeated per batch. Authorization codes and sign-in sessions have theirs already.
 */
export function sweepIndexes(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('revoked_access_tokens_expiry').on('revoked_access_tokens').column('expires_at').execute();
      await db.schema.createIndex('used_assertions_expiry').on('used_assertions').column('expires_at').execute();
      await db.schema.createIndex('refresh_tokens_expiry').on('refresh_tokens').column('expires_at').execute();
      await db.schema.createIndex('refresh_tokens_grace').on('refresh_tokens').column('grace_until').execute();
      await db.schema.createIndex('audit_entries_at').on('audit_entries').column('at').execute();
    },
  };
}
