import { type Kysely, sql } from 'kysely';
import type { AuditActor } from '../../core/model/audit-actor';
import type { Grant } from '../../core/model/grant';
import type { RedemptionOutcome } from '../../core/ports/code-store';
import type { NewRefreshToken } from '../../core/ports/grant-store';
import { batchedPerTurnBy, sharedOnce } from './batched-per-turn';
import type { Database } from './database-schema';
import { grantCreationRows } from './grant-repository';
import { toIso } from './iso-time';
import { type SqliteWrite, sqliteWriteTransaction } from './sqlite-write-transaction';

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
 * statement, SQLite in a synchronous transaction of one statement per step.
 */
export function redeemAuthorizationCode(db: Kysely<Database>, redemption: Redemption, postgres: boolean): Promise<RedemptionOutcome> {
  return postgres ? redeemOnPostgres(db, redemption) : sqliteWriteTransaction(db, (write) => redeemStepByStep(write, redemption));
}

/**
 * Redemptions on PostgreSQL are gathered per turn of the event loop (ADR 0035): one alone runs as the
 * one statement below, several as one statement for all of them, each decided as on its own.
 */
const redeemOnPostgres = batchedPerTurnBy(redeemTogether);

/** The same code twice in one turn: the later use is `already_used`, a second use after the first. */
function redeemTogether(db: Kysely<Database>, redemptions: readonly Redemption[]): Promise<PromiseSettledResult<RedemptionOutcome>[]> {
  return sharedOnce(redemptions, {
    key: (redemption) => redemption.codeHash,
    alone: (redemption) => redeemOneOnPostgres(db, redemption),
    together: (distinct) => redeemManyOnPostgres(db, distinct),
    repeated: () => 'already_used',
  });
}

/** SQLite, where a statement is a function call, not a round trip: one synchronous write transaction (ADR 0032). */
function redeemStepByStep(write: SqliteWrite, { codeHash, now, grant, refresh, actor, apiKeyKid }: Redemption): RedemptionOutcome {
  // Single use: only one UPDATE can find the code unused.
  const used = write.run(`update authorization_codes set used_at = ?, grant_id = ? where code_hash = ? and used_at is null`, [
    toIso(now),
    grant.id,
    codeHash,
  ]);
  if (used !== 1) return 'already_used';
  const rows = grantCreationRows(grant, refresh, actor, apiKeyKid);
  write.insert('grants', rows.grants);
  write.insert('grant_stores', rows.grant_stores);
  write.insert('refresh_tokens', rows.refresh_tokens);
  write.insert('audit_entries', rows.audit_entries);
  return 'redeemed';
}

/**
 * The same on PostgreSQL as one statement, which PostgreSQL runs as its own transaction (a statement
 * is a round trip, and the transaction took seven): data-modifying CTEs, each inserting only when the
 * code's single-use UPDATE found it unused; the references between the new rows are checked at the
 * statement's end. The rows are `grantCreationRows`, as `insertGrant` writes them, handed over as JSON and
 * expanded into each table's row type, so the columns are not listed twice.
 */
async function redeemOneOnPostgres(
  db: Kysely<Database>,
  { codeHash, now, grant, refresh, actor, apiKeyKid }: Redemption,
): Promise<RedemptionOutcome> {
  const json = (value: unknown) => JSON.stringify(value);
  const rows = grantCreationRows(grant, refresh, actor, apiKeyKid);
  const result = await sql<{ redeemed: boolean }>`
    with used as (
      update authorization_codes set used_at = ${toIso(now)}, grant_id = ${grant.id}
       where code_hash = ${codeHash} and used_at is null
       returning code_hash
    ), g as (
      insert into grants select r.* from used, jsonb_populate_record(null::grants, ${json(rows.grants[0])}::jsonb) r
      returning id
    ), linked as (
      insert into grant_stores select r.* from g, jsonb_populate_recordset(null::grant_stores, ${json(rows.grant_stores)}::jsonb) r
    ), refreshed as (
      insert into refresh_tokens select r.* from g, jsonb_populate_recordset(null::refresh_tokens, ${json(rows.refresh_tokens)}::jsonb) r
    ), audited as (
      insert into audit_entries (store_id, mode, actor, action, target_type, target_id, details, at)
      select r.store_id, r.mode, r.actor, r.action, r.target_type, r.target_id, r.details, r.at
        from g, jsonb_populate_recordset(null::audit_entries, ${json(rows.audit_entries)}::jsonb) r
    )
    select exists (select 1 from used) as redeemed`.execute(db);
  return result.rows[0]?.redeemed ? 'redeemed' : 'already_used';
}

/**
 * Several redemptions (distinct codes) as one statement: each element of `input` is one redemption
 * with its rows, and each step of the single statement above is applied to the redemptions whose code
 * the single-use UPDATE found unused (`won`); the others write nothing. Each code's outcome is returned.
 */
async function redeemManyOnPostgres(db: Kysely<Database>, redemptions: readonly Redemption[]): Promise<Map<string, RedemptionOutcome>> {
  const redeemed = new Set((await redemptionBatchStatement(redemptions).execute(db)).rows.map((row) => row.code_hash));
  return new Map(redemptions.map((r) => [r.codeHash, redeemed.has(r.codeHash) ? 'redeemed' : 'already_used'] as const));
}

/** The statement of `redeemManyOnPostgres` (exported for the test that checks its plan finds rows by key). */
export function redemptionBatchStatement(redemptions: readonly Redemption[]) {
  const input = redemptions.map(({ codeHash, now, grant, refresh, actor, apiKeyKid }) => ({
    code_hash: codeHash,
    at: toIso(now),
    grant_id: grant.id,
    ...grantCreationRows(grant, refresh, actor, apiKeyKid),
  }));
  return sql<{ code_hash: string }>`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
        as i(code_hash text, at text, grant_id text, grants jsonb, grant_stores jsonb, refresh_tokens jsonb, audit_entries jsonb)
    ), used as (
      update authorization_codes c set used_at = i.at, grant_id = i.grant_id
        from input i
       where c.code_hash = i.code_hash and c.used_at is null
       returning c.code_hash
    ), won as (
      select i.* from input i where i.code_hash in (select code_hash from used)
    ), g as (
      insert into grants select r.* from won, jsonb_populate_recordset(null::grants, won.grants) r
    ), linked as (
      insert into grant_stores select r.* from won, jsonb_populate_recordset(null::grant_stores, won.grant_stores) r
    ), refreshed as (
      insert into refresh_tokens select r.* from won, jsonb_populate_recordset(null::refresh_tokens, won.refresh_tokens) r
    ), audited as (
      insert into audit_entries (store_id, mode, actor, action, target_type, target_id, details, at)
      select r.store_id, r.mode, r.actor, r.action, r.target_type, r.target_id, r.details, r.at
        from won, jsonb_populate_recordset(null::audit_entries, won.audit_entries) r
    )
    select code_hash from used`;
}
