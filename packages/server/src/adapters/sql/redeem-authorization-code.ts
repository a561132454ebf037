import { type Kysely, sql } from 'kysely';
import type { AuditActor } from '../../core/model/audit-actor';
import type { Grant } from '../../core/model/grant';
import type { RedemptionOutcome } from '../../core/ports/code-store';
import type { NewRefreshToken } from '../../core/ports/grant-store';
import { auditEntryRow } from './audit-log';
import type { Database } from './database-schema';
import { grantCreationAuditEntries, insertGrant } from './grant-repository';
import { toIso } from './iso-time';

export interface Redemption {
  readonly codeHash: string;
  readonly now: number;
  readonly grant: Grant;
  readonly refresh: NewRefreshToken | null;
  readonly actor: AuditActor;
  readonly apiKeyKid: string | undefined;
}

/**
 * RFC 6749 §4.1.2: an authorization code is used once, and the grant it becomes (its stores, its
 * first refresh token, its audit entries) is written with that use or not at all. PostgreSQL in one
 * statement, SQLite in a transaction of one statement per step.
 */
export function redeemAuthorizationCode(db: Kysely<Database>, redemption: Redemption, postgres: boolean): Promise<RedemptionOutcome> {
  return postgres ? redeemOnPostgres(db, redemption) : redeemStepByStep(db, redemption);
}

/** SQLite, where a statement is a function call, not a round trip. */
function redeemStepByStep(
  db: Kysely<Database>,
  { codeHash, now, grant, refresh, actor, apiKeyKid }: Redemption,
): Promise<RedemptionOutcome> {
  return db.transaction().execute(async (trx) => {
    // Single use: only one UPDATE can find the code unused.
    const used = await trx
      .updateTable('authorization_codes')
      .set({ used_at: toIso(now), grant_id: grant.id })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (used.numUpdatedRows !== 1n) return 'already_used' as const;
    await insertGrant(trx, grant, refresh, actor, apiKeyKid);
    return 'redeemed' as const;
  });
}

/**
 * The same on PostgreSQL as one statement, which PostgreSQL runs as its own transaction (a statement
 * is a round trip, and the transaction took seven): data-modifying CTEs, each inserting only when the
 * code's single-use UPDATE found it unused; the references between the new rows are checked at the
 * statement's end. The rows are the ones `insertGrant` writes, column for column.
 */
async function redeemOnPostgres(
  db: Kysely<Database>,
  { codeHash, now, grant, refresh, actor, apiKeyKid }: Redemption,
): Promise<RedemptionOutcome> {
  const audit = grantCreationAuditEntries(grant, actor).map(auditEntryRow);
  const refreshInsert = refresh
    ? sql`, refreshed as (
        insert into refresh_tokens (id, grant_id, client_id, token_hash, parent_id, issued_at, expires_at, used_at, successor_cipher, grace_until)
        select ${refresh.id}, g.id, ${grant.clientId}, ${refresh.tokenHash}, null, ${toIso(refresh.issuedAt)}, ${toIso(refresh.expiresAt)}, null, null, null
          from g
      )`
    : sql``;
  const result = await sql<{ redeemed: boolean }>`
    with used as (
      update authorization_codes set used_at = ${toIso(now)}, grant_id = ${grant.id}
       where code_hash = ${codeHash} and used_at is null
       returning code_hash
    ), g as (
      insert into grants (id, client_id, client_record_id, client_kind, mode, owner_type, owner_id, scope, created_at, expires_at, last_used_at, revoked_at, revoked_reason, api_key_kid)
      select ${grant.id}, ${grant.clientId}, ${grant.clientRecordId}, ${grant.clientKind}, ${grant.mode}, ${grant.owner?.type ?? null}, ${grant.owner?.id ?? null},
             ${grant.scope}, ${toIso(grant.createdAt)}, ${toIso(grant.expiresAt)}, null, null, null, ${apiKeyKid ?? null}
        from used
      returning id
    ), linked as (
      insert into grant_stores (grant_id, store_id)
      select g.id, s.store_id from g cross join unnest(${[...grant.storeIds]}::text[]) as s(store_id)
    )${refreshInsert}, audited as (
      insert into audit_entries (store_id, mode, actor, action, target_type, target_id, details, at)
      select e.store_id, e.mode, e.actor, e.action, e.target_type, e.target_id, e.details, e.at
        from g cross join json_to_recordset(${JSON.stringify(audit)}::json)
          as e(store_id text, mode text, actor text, action text, target_type text, target_id text, details text, at text)
    )
    select exists (select 1 from used) as redeemed`.execute(db);
  return result.rows[0]?.redeemed ? 'redeemed' : 'already_used';
}
