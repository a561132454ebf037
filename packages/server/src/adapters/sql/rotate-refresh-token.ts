import { type Kysely, sql } from 'kysely';
import type { GrantStore, RotationOutcome } from '../../core/ports/grant-store';
import { batchedPerTurnBy, sharedOnce } from './batched-per-turn';
import type { Database } from './database-schema';
import { refreshTokenRow } from './grant-rows';
import { toIso } from './iso-time';
import { type SqliteWrite, sqliteWriteTransaction } from './sqlite-write-transaction';

/** Thrown inside the step-by-step rotation's transaction when the grant is revoked or expired: rolls it back. */
class GrantInactive extends Error {}

type RotationInput = Parameters<GrantStore['rotate']>[0];

/**
 * The rotation as one SQLite write transaction, one statement per step (a statement there is a
 * function call, not a round trip), run synchronously (ADR 0032). Throws GrantInactive, which rolls
 * the transaction back.
 */
function rotateStepByStep(write: SqliteWrite, rotation: RotationInput): RotationOutcome {
  const { oldId, grantId, now, next, successorCipher, graceUntil } = rotation;
  const at = toIso(now);
  // RFC 9700 §4.14.2: exactly one caller may use a refresh token; the WHERE makes the race safe.
  const old = write.first<{ client_id: string; parent_id: string | null }>(
    `update refresh_tokens set used_at = ?, successor_cipher = ?, grace_until = ?
      where id = ? and used_at is null
      returning client_id, parent_id`,
    [at, successorCipher, graceUntil === null ? null : toIso(graceUntil), oldId],
  );
  if (old === undefined) return 'already_used';
  // The transaction holds SQLite's write lock from its start (BEGIN IMMEDIATE): a concurrent revoke
  // either committed before (the grant is no longer live: no rotation) or runs after this commits and
  // revokes the grant the new tokens belong to.
  const live = write.run(`update grants set last_used_at = ? where id = ? and revoked_at is null and expires_at > ?`, [at, grantId, at]);
  if (live !== 1) throw new GrantInactive();
  // A predecessor's kept pair is no use once its successor has itself been used. Only the parent can
  // hold one: every older token's was dropped when its own successor was used. By id, so that the
  // cost does not grow with the chain (a grant refreshed hourly for 90 days has two thousand tokens).
  if (old.parent_id !== null) {
    write.run(`update refresh_tokens set successor_cipher = null, grace_until = null where id = ? and successor_cipher is not null`, [
      old.parent_id,
    ]);
  }
  write.insert('refresh_tokens', [refreshTokenRow(next, grantId, old.client_id, oldId)]);
  return 'rotated';
}

/**
 * The same rotation on PostgreSQL as one statement, which PostgreSQL runs as its own transaction:
 * each statement is a round trip to the server, and a refresh's time there is mostly round trips
 * (with begin and commit, the step-by-step rotation took six). Data-modifying CTEs: each runs once and
 * to completion, one that reads another's rows runs after it and only on them, and nothing is written
 * unless every step that needs it found its row, so nothing needs rolling back.
 *
 * The grant row is locked first (FOR UPDATE), while live: a concurrent revoke either committed before
 * (its row is re-read, no longer live: nothing is written) or waits and revokes the grant the new tokens
 * belong to. The revocation locks the grant row alone, so the two cannot deadlock.
 */
async function rotateOneOnPostgres(db: Kysely<Database>, rotation: RotationInput): Promise<RotationOutcome> {
  const { oldId, grantId, now, next, successorCipher, graceUntil } = rotation;
  const at = toIso(now);
  const result = await sql<{ live: boolean; used: boolean }>`
    with live as (
      select id from grants
       where id = ${grantId} and revoked_at is null and expires_at > ${at}
         for update
    ), old as (
      -- RFC 9700 §4.14.2: exactly one caller may use a refresh token; the WHERE makes the race safe.
      update refresh_tokens
         set used_at = ${at}, successor_cipher = ${successorCipher}, grace_until = ${graceUntil === null ? null : toIso(graceUntil)}
       where id = ${oldId} and used_at is null and exists (select 1 from live)
       returning client_id, parent_id
    ), touched as (
      update grants set last_used_at = ${at}
       where id = ${grantId} and exists (select 1 from old)
    ), cleared as (
      -- See rotateStepByStep: the parent's kept pair is dropped once its successor is used.
      update refresh_tokens set successor_cipher = null, grace_until = null
       where id = (select parent_id from old) and successor_cipher is not null
    ), successor as (
      insert into refresh_tokens (id, grant_id, client_id, token_hash, parent_id, issued_at, expires_at, used_at, successor_cipher, grace_until)
      select ${next.id}, ${grantId}, old.client_id, ${next.tokenHash}, ${oldId}, ${toIso(next.issuedAt)}, ${toIso(next.expiresAt)}, null, null, null
        from old
    )
    select exists (select 1 from live) as live, exists (select 1 from old) as used`.execute(db);
  const { live, used } = result.rows[0] ?? { live: false, used: false };
  if (!live) return 'grant_inactive';
  return used ? 'rotated' : 'already_used';
}

/**
 * Rotations on PostgreSQL are gathered per turn of the event loop and sent together (ADR 0035): one
 * alone runs as the one statement above, several as one statement for all of them, which PostgreSQL
 * runs as one transaction (one round trip, one commit) instead of one each. Each caller gets its own
 * token's outcome, decided exactly as if the rotations had run one after the other in storage.
 */
const rotateOnPostgres = batchedPerTurnBy(rotateTogether);

/** The same token twice in one turn: the later use is told what a second use after the first is. */
function rotateTogether(db: Kysely<Database>, rotations: readonly RotationInput[]): Promise<PromiseSettledResult<RotationOutcome>[]> {
  return sharedOnce(rotations, {
    key: (rotation) => rotation.oldId,
    alone: (rotation) => rotateOneOnPostgres(db, rotation),
    together: (distinct) => rotateManyOnPostgres(db, distinct),
    repeated: (first) => (first === 'rotated' ? 'already_used' : first),
  });
}

/**
 * Several rotations (distinct presented tokens) as one statement: each row of `input` is one rotation,
 * and each step of the single rotation above is applied to every row at once. The grants are locked
 * in the order of their ids, whichever statement takes them, so two of these statements never wait
 * on each other in a cycle; a token whose grant is not live, or which is already used, changes nothing
 * (its row finds no match in `live` or `old`), while the others rotate.
 */
async function rotateManyOnPostgres(db: Kysely<Database>, rotations: readonly RotationInput[]): Promise<Map<string, RotationOutcome>> {
  const result = await rotationBatchStatement(rotations).execute(db);
  return new Map(result.rows.map((row) => [row.old_id, row.live ? (row.used ? 'rotated' : 'already_used') : 'grant_inactive'] as const));
}

/** The statement of `rotateManyOnPostgres` (exported for the test that checks its plan finds rows by key). */
export function rotationBatchStatement(rotations: readonly RotationInput[]) {
  const column = <T>(pick: (rotation: RotationInput) => T) => rotations.map(pick);
  return sql<{ old_id: string; live: boolean; used: boolean }>`
    with input as (
      select * from unnest(
        ${column((r) => r.oldId)}::text[], ${column((r) => r.grantId)}::text[], ${column((r) => toIso(r.now))}::text[],
        ${column((r) => r.successorCipher)}::text[], ${column((r) => (r.graceUntil === null ? null : toIso(r.graceUntil)))}::text[],
        ${column((r) => r.next.id)}::text[], ${column((r) => r.next.tokenHash)}::text[],
        ${column((r) => toIso(r.next.issuedAt))}::text[], ${column((r) => toIso(r.next.expiresAt))}::text[]
      ) as i(old_id, grant_id, at, successor_cipher, grace_until, next_id, next_hash, next_issued_at, next_expires_at)
    ), live as (
      -- From the input to the grants, so that each is found by its key: written as a semi-join on
      -- grants, PostgreSQL scanned the whole table (a million grants: 0.4 s a batch).
      select g.id from input i join grants g on g.id = i.grant_id
       where g.revoked_at is null and g.expires_at > i.at
       order by g.id
         for update of g
    ), old as (
      -- RFC 9700 §4.14.2: exactly one caller may use a refresh token; the WHERE makes the race safe.
      update refresh_tokens rt
         set used_at = i.at, successor_cipher = i.successor_cipher, grace_until = i.grace_until
        from input i
       where rt.id = i.old_id and rt.used_at is null and i.grant_id in (select id from live)
       returning rt.id, rt.client_id, rt.parent_id
    ), touched as (
      update grants g set last_used_at = i.at
        from input i
       where g.id = i.grant_id and i.old_id in (select id from old)
    ), cleared as (
      update refresh_tokens set successor_cipher = null, grace_until = null
       where id in (select parent_id from old) and successor_cipher is not null
    ), successor as (
      insert into refresh_tokens (id, grant_id, client_id, token_hash, parent_id, issued_at, expires_at, used_at, successor_cipher, grace_until)
      select i.next_id, i.grant_id, old.client_id, i.next_hash, i.old_id, i.next_issued_at, i.next_expires_at, null, null, null
        from old join input i on i.old_id = old.id
    )
    select i.old_id, i.grant_id in (select id from live) as live, i.old_id in (select id from old) as used from input i`;
}

/**
 * RFC 9700 §4.14.2 refresh-token rotation, all or nothing: the presented token used (exactly once)
 * while its grant is live (and locked), the grant touched, the parent's kept pair dropped, the
 * successor inserted. PostgreSQL in one statement, SQLite in a synchronous transaction of one statement
 * per step.
 */
export async function rotateRefreshToken(db: Kysely<Database>, rotation: RotationInput, postgres: boolean): Promise<RotationOutcome> {
  if (postgres) return rotateOnPostgres(db, rotation);
  try {
    return await sqliteWriteTransaction(db, (write) => rotateStepByStep(write, rotation));
  } catch (error) {
    if (error instanceof GrantInactive) return 'grant_inactive';
    throw error;
  }
}
