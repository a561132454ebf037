import { type Kysely, sql } from 'kysely';
import type { GrantStore, RotationOutcome } from '../../core/ports/grant-store';
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
async function rotateOnPostgres(db: Kysely<Database>, rotation: RotationInput): Promise<RotationOutcome> {
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
