import type { Kysely, Transaction } from 'kysely';
import type { Grant, GrantStore, NewRefreshToken, RevocationReason } from '../core/grants/grant-store';
import type { Database, GrantRow } from './database-schema';
import { fromIso, toIso } from './iso-time';

class GrantInactive extends Error {}

const toGrant = (row: GrantRow, storeIds: string[]): Grant => ({
  id: row.id,
  clientId: row.client_id,
  clientRecordId: row.client_record_id,
  clientKind: row.client_kind,
  mode: row.mode,
  owner: row.owner_type && row.owner_id ? { type: row.owner_type, id: row.owner_id } : null,
  storeIds,
  scope: row.scope,
  createdAt: fromIso(row.created_at),
  expiresAt: fromIso(row.expires_at),
  revokedAt: row.revoked_at === null ? null : fromIso(row.revoked_at),
});

export interface GrantFilter {
  readonly ids?: readonly string[];
  readonly clientId?: string;
  readonly owner?: { readonly type: 'customer' | 'user'; readonly id: string };
  /** Grants whose API key the signing key `kid` signed (a compromised rotation revokes them). */
  readonly apiKeyKid?: string;
}

/**
 * Revokes every live grant matching `filter`, inside the caller's transaction — so that a grant dies
 * in the same transaction as its cause (SPEC §1: deleting a credential, a customer, a password change…).
 * Returns the ids revoked.
 */
export async function revokeGrantsWhere(
  trx: Kysely<Database> | Transaction<Database>,
  filter: GrantFilter,
  reason: RevocationReason,
  now: number,
): Promise<string[]> {
  if (!filter.ids && !filter.clientId && !filter.owner && !filter.apiKeyKid) throw new Error('revokeGrantsWhere needs a filter');
  if (filter.ids?.length === 0) return [];
  let query = trx
    .updateTable('grants')
    .set({ revoked_at: toIso(now), revoked_reason: reason })
    .where('revoked_at', 'is', null)
    .returning('id');
  if (filter.ids) query = query.where('id', 'in', [...filter.ids]);
  if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
  if (filter.owner) query = query.where('owner_type', '=', filter.owner.type).where('owner_id', '=', filter.owner.id);
  if (filter.apiKeyKid) query = query.where('api_key_kid', '=', filter.apiKeyKid);
  return (await query.execute()).map((r) => r.id);
}

/** Inserts a grant, its stores and its first refresh token inside the caller's transaction. */
export async function insertGrant(
  trx: Transaction<Database>,
  grant: Grant,
  refresh: NewRefreshToken | null,
  apiKeyKid?: string,
): Promise<void> {
  await trx
    .insertInto('grants')
    .values({
      id: grant.id,
      client_id: grant.clientId,
      client_record_id: grant.clientRecordId,
      client_kind: grant.clientKind,
      mode: grant.mode,
      owner_type: grant.owner?.type ?? null,
      owner_id: grant.owner?.id ?? null,
      scope: grant.scope,
      created_at: toIso(grant.createdAt),
      expires_at: toIso(grant.expiresAt),
      last_used_at: null,
      revoked_at: null,
      revoked_reason: null,
      api_key_kid: apiKeyKid ?? null,
    })
    .execute();
  if (grant.storeIds.length > 0) {
    await trx
      .insertInto('grant_stores')
      .values(grant.storeIds.map((storeId) => ({ grant_id: grant.id, store_id: storeId })))
      .execute();
  }
  if (refresh) {
    await trx
      .insertInto('refresh_tokens')
      .values({
        id: refresh.id,
        grant_id: grant.id,
        client_id: grant.clientId,
        token_hash: refresh.tokenHash,
        parent_id: null,
        issued_at: toIso(refresh.issuedAt),
        expires_at: toIso(refresh.expiresAt),
        used_at: null,
        successor_cipher: null,
        grace_until: null,
      })
      .execute();
  }
}

export function grantRepository(db: Kysely<Database>): GrantStore {
  const storeIdsOf = async (grantId: string) =>
    (await db.selectFrom('grant_stores').select('store_id').where('grant_id', '=', grantId).orderBy('store_id').execute()).map(
      (r) => r.store_id,
    );

  return {
    async create(grant, refresh) {
      await db.transaction().execute((trx) => insertGrant(trx, grant, refresh));
    },

    async findGrant(id) {
      const row = await db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toGrant(row, await storeIdsOf(id));
    },

    async liveGrantStoreSets(clientId, owner, scope, now) {
      const candidates = await db
        .selectFrom('grants')
        .select('id')
        .where('client_id', '=', clientId)
        .where('owner_type', '=', owner.type)
        .where('owner_id', '=', owner.id)
        .where('scope', '=', scope)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', toIso(now))
        .execute();
      return Promise.all(candidates.map(({ id }) => storeIdsOf(id)));
    },

    async findRefreshToken(tokenHash) {
      const row = await db
        .selectFrom('refresh_tokens as rt')
        .leftJoin('refresh_tokens as successor', 'successor.parent_id', 'rt.id')
        .selectAll('rt')
        .select('successor.used_at as successor_used_at')
        .select('successor.id as successor_id')
        .where('rt.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row) return undefined;
      const grantRow = await db.selectFrom('grants').selectAll().where('id', '=', row.grant_id).executeTakeFirstOrThrow();
      return {
        id: row.id,
        grantId: row.grant_id,
        clientId: row.client_id,
        issuedAt: fromIso(row.issued_at),
        expiresAt: fromIso(row.expires_at),
        usedAt: row.used_at === null ? null : fromIso(row.used_at),
        successorCipher: row.successor_cipher,
        graceUntil: row.grace_until === null ? null : fromIso(row.grace_until),
        successorUnused: row.successor_id !== null && row.successor_used_at === null,
        grant: toGrant(grantRow, await storeIdsOf(row.grant_id)),
      };
    },

    async rotate({ oldId, grantId, now, next, successorCipher, graceUntil }) {
      try {
        return await db.transaction().execute(async (trx) => {
          // RFC 9700 §4.14.2: exactly one caller may use a refresh token; the WHERE makes the race safe.
          const used = await trx
            .updateTable('refresh_tokens')
            .set({ used_at: toIso(now), successor_cipher: successorCipher, grace_until: graceUntil === null ? null : toIso(graceUntil) })
            .where('id', '=', oldId)
            .where('used_at', 'is', null)
            .executeTakeFirst();
          if (used.numUpdatedRows !== 1n) return 'already_used' as const;
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
          const old = await trx.selectFrom('refresh_tokens').select('client_id').where('id', '=', oldId).executeTakeFirstOrThrow();
          // A predecessor's kept pair is no use once its successor has itself been used.
          await trx
            .updateTable('refresh_tokens')
            .set({ successor_cipher: null, grace_until: null })
            .where('grant_id', '=', grantId)
            .where('id', '!=', oldId)
            .where('successor_cipher', 'is not', null)
            .execute();
          await trx
            .insertInto('refresh_tokens')
            .values({
              id: next.id,
              grant_id: grantId,
              client_id: old.client_id,
              token_hash: next.tokenHash,
              parent_id: oldId,
              issued_at: toIso(next.issuedAt),
              expires_at: toIso(next.expiresAt),
              used_at: null,
              successor_cipher: null,
              grace_until: null,
            })
            .execute();
          return 'rotated' as const;
        });
      } catch (error) {
        if (error instanceof GrantInactive) return 'grant_inactive';
        throw error;
      }
    },

    async revokeGrant(id, reason, now) {
      return (await revokeGrantsWhere(db, { ids: [id] }, reason, now)).length === 1;
    },

    async revokeAccessToken(jti, grantId, expiresAt, now) {
      await db
        .insertInto('revoked_access_tokens')
        .values({ jti, grant_id: grantId, expires_at: toIso(expiresAt), revoked_at: toIso(now) })
        .onConflict((oc) => oc.column('jti').doNothing())
        .execute();
    },

    async isAccessTokenRevoked(jti) {
      return (await db.selectFrom('revoked_access_tokens').select('jti').where('jti', '=', jti).executeTakeFirst()) !== undefined;
    },

    async rememberAssertion(clientId, jti, expiresAt) {
      const result = await db
        .insertInto('used_assertions')
        .values({ client_id: clientId, jti, expires_at: toIso(expiresAt) })
        .onConflict((oc) => oc.columns(['client_id', 'jti']).doNothing())
        .executeTakeFirst();
      return result.numInsertedOrUpdatedRows === 1n;
    },

    async sweep(now) {
      const iso = toIso(now);
      await db.deleteFrom('revoked_access_tokens').where('expires_at', '<=', iso).execute();
      await db.deleteFrom('used_assertions').where('expires_at', '<=', iso).execute();
      await db
        .updateTable('refresh_tokens')
        .set({ successor_cipher: null })
        .where('grace_until', '<=', iso)
        .where('successor_cipher', 'is not', null)
        .execute();
      // An expired refresh token is refused as expired whether or not its row exists.
      await db.deleteFrom('refresh_tokens').where('expires_at', '<=', iso).execute();
    },
  };
}
