import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { AuditActor } from '../../core/model/audit-actor';
import type { AuditEntry } from '../../core/model/audit-entry';
import type { Grant } from '../../core/model/grant';
import type { GrantRevocation, GrantSelector } from '../../core/model/grant-revocation';
import type { Mode } from '../../core/model/mode';
import type { GrantStore, NewRefreshToken } from '../../core/ports/grant-store';
import { auditEntryRow, insertAuditEntries } from './audit-log';
import type { Database, GrantRow, RefreshTokenRow } from './database-schema';
import { isPostgres } from './dialect';
import { grantRow, grantStoreRows, refreshTokenRow } from './grant-rows';
import { fromIso, toIso } from './iso-time';
import { rotateRefreshToken } from './rotate-refresh-token';

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

/** One audit entry per store of each grant (a store's log shows every grant on it), or one without a store. */
function grantAuditEntries(
  grants: readonly { id: string; client_id: string; mode: Mode }[],
  storesOf: (grantId: string) => readonly string[],
  entry: { action: string; actor: string; at: string; details: (grant: { client_id: string }) => Record<string, unknown> },
): AuditEntry[] {
  return grants.flatMap((grant) => {
    const stores = storesOf(grant.id);
    return (stores.length > 0 ? stores : [null]).map((storeId) => ({
      storeId,
      mode: grant.mode,
      actor: entry.actor,
      action: entry.action,
      targetType: 'grant',
      targetId: grant.id,
      details: entry.details(grant),
      at: entry.at,
    }));
  });
}

/** The stores of each of these grants, sorted, in one query. */
export async function storesOfGrants(
  db: Kysely<Database> | Transaction<Database>,
  grantIds: readonly string[],
): Promise<Map<string, string[]>> {
  const byGrant = new Map<string, string[]>();
  if (grantIds.length === 0) return byGrant;
  const links = await db
    .selectFrom('grant_stores')
    .select(['grant_id', 'store_id'])
    .where('grant_id', 'in', [...grantIds])
    .orderBy('store_id')
    .execute();
  for (const link of links) byGrant.set(link.grant_id, [...(byGrant.get(link.grant_id) ?? []), link.store_id]);
  return byGrant;
}

/**
 * Revokes every live grant `selector` reaches and audits each, inside the caller's transaction, so that
 * a grant dies in the same transaction as its cause (SPEC §1). Called only through the core's
 * revokeGrants (core/grants/revoke-grant.ts), which publishes. Returns the ids revoked.
 */
export async function revokeGrantsWhere(
  trx: Transaction<Database>,
  selector: GrantSelector,
  revocation: GrantRevocation,
): Promise<string[]> {
  if ('ids' in selector && selector.ids.length === 0) return [];
  const at = toIso(revocation.at);
  let query = trx
    .updateTable('grants')
    .set({ revoked_at: at, revoked_reason: revocation.reason })
    .where('revoked_at', 'is', null)
    .returning(['id', 'client_id', 'mode']);
  if ('ids' in selector) query = query.where('id', 'in', [...selector.ids]);
  else if ('clientId' in selector) {
    query = query.where('client_id', '=', selector.clientId);
    if (selector.owner) query = query.where('owner_type', '=', selector.owner.type).where('owner_id', '=', selector.owner.id);
  } else if ('owner' in selector) query = query.where('owner_type', '=', selector.owner.type).where('owner_id', '=', selector.owner.id);
  else query = query.where('api_key_kid', '=', selector.apiKeyKid);
  const revoked = await query.execute();
  if (revoked.length === 0) return [];
  const storesOf = await storesOfGrants(
    trx,
    revoked.map((g) => g.id),
  );
  const stores = (grantId: string) => storesOf.get(grantId) ?? [];
  await insertAuditEntries(
    trx,
    grantAuditEntries(revoked, stores, {
      action: 'grant.revoke',
      actor: revocation.actor,
      at,
      details: (grant) => ({ reason: revocation.reason, client_id: grant.client_id }),
    }),
  );
  return revoked.map((g) => g.id);
}

/** The rows a new grant is written as, table by table, in the order they are inserted. */
export interface GrantCreationRows {
  readonly grants: readonly Insertable<Database['grants']>[];
  readonly grant_stores: readonly Insertable<Database['grant_stores']>[];
  readonly refresh_tokens: readonly Insertable<Database['refresh_tokens']>[];
  readonly audit_entries: readonly Insertable<Database['audit_entries']>[];
}

/**
 * A grant, its stores, its first refresh token and (SPEC §5: every authorization is audited, with the
 * write that creates it) its audit entries, as rows: what `insertGrant`, and the code redemption on
 * either database, write.
 */
export function grantCreationRows(grant: Grant, refresh: NewRefreshToken | null, actor: AuditActor, apiKeyKid?: string): GrantCreationRows {
  return {
    grants: [grantRow(grant, apiKeyKid)],
    grant_stores: grantStoreRows(grant),
    refresh_tokens: refresh ? [refreshTokenRow(refresh, grant.id, grant.clientId, null)] : [],
    audit_entries: grantCreationAuditEntries(grant, actor).map(auditEntryRow),
  };
}

/** Inserts a grant, its stores, its first refresh token and its audit entries inside the caller's transaction. */
export async function insertGrant(
  trx: Transaction<Database>,
  grant: Grant,
  refresh: NewRefreshToken | null,
  actor: AuditActor,
  apiKeyKid?: string,
): Promise<void> {
  const rows = grantCreationRows(grant, refresh, actor, apiKeyKid);
  await trx.insertInto('grants').values(rows.grants).execute();
  if (rows.grant_stores.length > 0) await trx.insertInto('grant_stores').values(rows.grant_stores).execute();
  if (rows.refresh_tokens.length > 0) await trx.insertInto('refresh_tokens').values(rows.refresh_tokens).execute();
  if (rows.audit_entries.length > 0) await trx.insertInto('audit_entries').values(rows.audit_entries).execute();
}

/** SPEC §5: a grant's creation, audited once per store it covers (once without a store when none). */
export function grantCreationAuditEntries(grant: Grant, actor: AuditActor): AuditEntry[] {
  return grantAuditEntries([{ id: grant.id, client_id: grant.clientId, mode: grant.mode }], () => grant.storeIds, {
    action: 'grant.create',
    actor,
    at: toIso(grant.createdAt),
    details: () => ({ client_id: grant.clientId, client_kind: grant.clientKind, scope: grant.scope }),
  });
}

/** A refresh token row with its successor's state and its grant's columns (prefixed `g_`). */
type TokenWithGrantRow = RefreshTokenRow & {
  successor_used_at: string | null;
  successor_id: string | null;
} & { [K in Exclude<keyof GrantRow, 'id'> as `g_${K}`]: GrantRow[K] };

export function grantRepository(db: Kysely<Database>): GrantStore {
  const postgres = isPostgres(db);
  const storeIdsOf = async (grantId: string) => (await storesOfGrants(db, [grantId])).get(grantId) ?? [];

  const repository: GrantStore = {
    async create(grant, refresh, actor) {
      await db.transaction().execute((trx) => insertGrant(trx, grant, refresh, actor));
    },

    async findGrant(id) {
      const row = await db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toGrant(row, await storeIdsOf(id));
    },

    // Every authorization adds a grant, so a person who signs in to an app daily holds dozens: the
    // grants are filtered in the database (with `within` and `limit`, it stops at the first that
    // fits), and their stores read in the same query, never by a growing list of ids.
    async liveGrantStoreSets(clientId, owner, scope, now, options = {}) {
      const { within, limit } = options;
      if (within !== undefined && within.length === 0) return [];
      // Raw SQL, as on the refresh path: Kysely built and compiled this query anew on every
      // authorization request, about 150 µs, ten times what SQLite took to run it. The limit is a
      // literal, not a bound parameter: with `limit ?` each run cost as much more as preparing the
      // statement afresh (about 50 µs; SQLite re-prepares it, by all appearances).
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
        throw new RangeError(`limit must be a positive integer, not ${limit}`);
      }
      const outside =
        within === undefined
          ? sql``
          : sql`and not exists (select 1 from grant_stores outside
                                 where outside.grant_id = g.id and outside.store_id not in (${sql.join(within)}))`;
      const links = (
        await sql<{ grant_id: string; store_id: string }>`
          select gs.grant_id, gs.store_id
            from grant_stores gs
            join (select g.id from grants g
                   where g.client_id = ${clientId} and g.owner_type = ${owner.type} and g.owner_id = ${owner.id}
                     and g.scope = ${scope} and g.revoked_at is null and g.expires_at > ${toIso(now)}
                     and exists (select 1 from grant_stores any_store where any_store.grant_id = g.id)
                     ${outside}
                   ${limit === undefined ? sql`` : sql`limit ${sql.lit(limit)}`}) live on live.id = gs.grant_id
           order by gs.grant_id, gs.store_id`.execute(db)
      ).rows;
      const byGrant = new Map<string, string[]>();
      for (const link of links) {
        const stores = byGrant.get(link.grant_id);
        if (stores) stores.push(link.store_id);
        else byGrant.set(link.grant_id, [link.store_id]);
      }
      const distinct = new Map<string, string[]>();
      for (const stores of byGrant.values()) if (!distinct.has(stores.join(' '))) distinct.set(stores.join(' '), stores);
      return [...distinct.values()];
    },

    // One statement (on PostgreSQL one round trip): the token, its successor's state, its grant and the
    // grant's stores, on every refresh. Raw SQL: Kysely builds and compiles a query anew on every call,
    // which for fifteen aliased columns cost more than SQLite took to run it.
    async findRefreshToken(tokenHash) {
      const storeIds = postgres
        ? sql`array(select gs.store_id from grant_stores gs where gs.grant_id = rt.grant_id order by gs.store_id)::text[]`
        : sql`(select json_group_array(store_id) from (select gs.store_id from grant_stores gs where gs.grant_id = rt.grant_id order by gs.store_id))`;
      const row = (
        await sql<TokenWithGrantRow & { store_ids: string[] | string }>`
          select rt.*, successor.used_at as successor_used_at, successor.id as successor_id,
                 g.client_id as g_client_id, g.client_record_id as g_client_record_id, g.client_kind as g_client_kind,
                 g.mode as g_mode, g.owner_type as g_owner_type, g.owner_id as g_owner_id, g.scope as g_scope,
                 g.created_at as g_created_at, g.expires_at as g_expires_at, g.last_used_at as g_last_used_at,
                 g.revoked_at as g_revoked_at, g.revoked_reason as g_revoked_reason, g.api_key_kid as g_api_key_kid,
                 ${storeIds} as store_ids
            from refresh_tokens rt
            join grants g on g.id = rt.grant_id
            left join refresh_tokens successor on successor.parent_id = rt.id
           where rt.token_hash = ${tokenHash}`.execute(db)
      ).rows[0];
      if (!row) return undefined;
      const grantColumns: GrantRow = {
        id: row.grant_id,
        client_id: row.g_client_id,
        client_record_id: row.g_client_record_id,
        client_kind: row.g_client_kind,
        mode: row.g_mode,
        owner_type: row.g_owner_type,
        owner_id: row.g_owner_id,
        scope: row.g_scope,
        created_at: row.g_created_at,
        expires_at: row.g_expires_at,
        last_used_at: row.g_last_used_at,
        revoked_at: row.g_revoked_at,
        revoked_reason: row.g_revoked_reason,
        api_key_kid: row.g_api_key_kid,
      };
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
        grant: toGrant(grantColumns, typeof row.store_ids === 'string' ? (JSON.parse(row.store_ids) as string[]) : row.store_ids),
      };
    },

    // Storage has no older copy to answer from: the same read (ADR 0034 keeps copies in memory).
    findRefreshTokenToRotate(tokenHash) {
      return repository.findRefreshToken(tokenHash);
    },

    rotate(input) {
      return rotateRefreshToken(db, input, postgres);
    },

    async revokeGrants(selector, revocation) {
      return db.transaction().execute((trx) => revokeGrantsWhere(trx, selector, revocation));
    },

    async revokeAccessToken(revocation) {
      await db.transaction().execute(async (trx) => {
        const at = toIso(revocation.at);
        const inserted = await trx
          .insertInto('revoked_access_tokens')
          .values({ jti: revocation.jti, grant_id: revocation.grantId, expires_at: toIso(revocation.expiresAt), revoked_at: at })
          .onConflict((oc) => oc.column('jti').doNothing())
          .executeTakeFirst();
        // A token revoked twice is audited once.
        if (inserted.numInsertedOrUpdatedRows !== 1n) return;
        await insertAuditEntries(
          trx,
          (revocation.storeIds.length > 0 ? revocation.storeIds : [null]).map((storeId) => ({
            storeId,
            mode: revocation.mode,
            actor: revocation.actor,
            action: 'access_token.revoke',
            targetType: 'access_token',
            targetId: revocation.jti,
            details: revocation.grantId === null ? {} : { grant_id: revocation.grantId },
            at,
          })),
        );
      });
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
  return repository;
}
