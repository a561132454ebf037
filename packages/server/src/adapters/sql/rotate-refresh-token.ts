import { sql, type Transaction } from 'kysely';
import type { GrantStore, RotationOutcome } from '../../core/ports/grant-store';
import type { Database } from './database-schema';
import { toIso } from './iso-time';

/** Thrown inside the rotation's transaction when the grant is revoked or expired: rolls it back. */
export class GrantInactive extends Error {}

type RotationInput = Parameters<GrantStore['rotate']>[0];

/**
 * The rotation inside the caller's transaction, one statement per step (SQLite, where a statement is
 * a function call, not a round trip). Throws GrantInactive, which rolls the transaction back.
 */
async function rotateStepByStep(trx: Transaction<Database>, rotation: RotationInput): Promise<RotationOutcome> {
  const { oldId, grantId, now, successorCipher, graceUntil } = rotation;
  // RFC 9700 §4.14.2: exactly one caller may use a refresh token; the WHERE makes the race safe.
  const old = await trx
    .updateTable('refresh_tokens')
    .set({ used_at: toIso(now), successor_cipher: successorCipher, grace_until: graceUntil === null ? null : toIso(graceUntil) })
    .where('id', '=', oldId)
    .where('used_at', 'is', null)
    .returning(['client_id', 'parent_id'])
    .executeTakeFirst();
  if (old === undefined) return 'already_used';
  // Locks the grant row: a concurrent revoke either happened before (no rotation) or waits and
  // revokes the grant the new tokens belong to.
  const live = await trx
    .updateTable('grants')
    .set({ last_used_at: toIso(now) })
    .where('id', '=', grantId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', toIso(now))
    .executeTakeFirst();
  if (live.numUpdatedRows !== 1n) throw new GrantInactive();
  // A predecessor's kept pair is no use once its successor has itself been used. Only the parent can
  // hold one: every older token's was dropped when its own successor was used. By id, so that the
  // cost does not grow with the chain (a grant refreshed hourly for 90 days has two thousand tokens).
  if (old.parent_id !== null) {
    await trx
      .updateTable('refresh_tokens')
      .set({ successor_cipher: null, grace_until: null })
      .where('id', '=', old.parent_id)
      .where('successor_cipher', 'is not', null)
      .execute();
  }
  await trx.insertInto('refresh_tokens').values(successorRow(rotation, old.client_id)).execute();
  return 'rotated';
}

/**
 * The same rotation on PostgreSQL in two statements instead of four (each statement is a round trip
 * to the server, and a refresh's time there is mostly round trips): the same steps, in the same order,
 * taking the same row locks, as data-modifying CTEs. A CTE runs once and to completion; one that
 * reads another's RETURNING runs after it, and only on its rows.
 */
async function rotateOnPostgres(trx: Transaction<Database>, rotation: RotationInput): Promise<RotationOutcome> {
  const { oldId, grantId, now, successorCipher, graceUntil } = rotation;
  const at = toIso(now);
  // RFC 9700 §4.14.2: exactly one caller may use a refresh token; the WHERE makes the race safe.
  // Only if it won is the grant row touched, which locks it: a concurrent revoke either happened
  // before (no rotation) or waits and revokes the grant the new tokens belong to.
  const result = await sql<{ client_id: string; parent_id: string | null; live: boolean }>`
    with old as (
      update refresh_tokens
         set used_at = ${at}, successor_cipher = ${successorCipher}, grace_until = ${graceUntil === null ? null : toIso(graceUntil)}
       where id = ${oldId} and used_at is null
       returning client_id, parent_id
    ), live as (
      update grants set last_used_at = ${at}
       where id = ${grantId} and revoked_at is null and expires_at > ${at} and exists (select 1 from old)
       returning id
    )
    select old.client_id, old.parent_id, exists (select 1 from live) as live from old`.execute(trx);
  const old = result.rows[0];
  if (old === undefined) return 'already_used';
  if (!old.live) throw new GrantInactive();
  // The parent's kept pair dropped (see rotateStepByStep) and the successor inserted, in one statement.
  const row = successorRow(rotation, old.client_id);
  await sql`
    with cleared as (
      update refresh_tokens set successor_cipher = null, grace_until = null
       where id = ${old.parent_id} and successor_cipher is not null
    )
    insert into refresh_tokens (id, grant_id, client_id, token_hash, parent_id, issued_at, expires_at, used_at, successor_cipher, grace_until)
    values (${row.id}, ${row.grant_id}, ${row.client_id}, ${row.token_hash}, ${row.parent_id}, ${row.issued_at}, ${row.expires_at}, null, null, null)`.execute(
    trx,
  );
  return 'rotated';
}

/** The refresh token issued in exchange for `oldId`. */
function successorRow({ oldId, grantId, next }: RotationInput, clientId: string) {
  return {
    id: next.id,
    grant_id: grantId,
    client_id: clientId,
    token_hash: next.tokenHash,
    parent_id: oldId,
    issued_at: toIso(next.issuedAt),
    expires_at: toIso(next.expiresAt),
    used_at: null,
    successor_cipher: null,
    grace_until: null,
  };
}

/**
 * RFC 9700 §4.14.2 refresh-token rotation inside the caller's transaction: the presented token used
 * (exactly once), its grant touched (locked) while live, the parent's kept pair dropped, the successor
 * inserted. PostgreSQL in two statements, SQLite one statement per step.
 */
export function rotateRefreshToken(trx: Transaction<Database>, rotation: RotationInput, postgres: boolean): Promise<RotationOutcome> {
  return postgres ? rotateOnPostgres(trx, rotation) : rotateStepByStep(trx, rotation);
}
