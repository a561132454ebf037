import { type Kysely, sql, type Transaction } from 'kysely';
import type { GrantListQuery, GrantRecord, ProvisioningStore, ProvisioningTransaction } from '../../core/ports/provisioning-store';
import type { PageQuery } from '../../core/provisioning/parse-page-query';
import { auditReader, insertAuditEntries } from './audit-log';
import type { Database, GrantRow } from './database-schema';
import type { Dialect } from './dialect';
import { revokeGrantsWhere, storesOfGrants } from './grant-repository';
import { afterCursor, guarded, type LooseDatabase, recordReader, recordWriter } from './record-table';
import { endSessionsOf } from './sign-in-session-repository';

type TypedExecutor = Kysely<Database> | Transaction<Database>;

const toGrantRecord = (row: GrantRow, storeIds: readonly string[]): GrantRecord => ({
  id: row.id,
  client_id: row.client_id,
  client_kind: row.client_kind,
  mode: row.mode,
  owner_type: row.owner_type,
  owner_id: row.owner_id,
  store_ids: storeIds,
  scope: row.scope,
  created_at: row.created_at,
  expires_at: row.expires_at,
  revoked_at: row.revoked_at,
  revoked_reason: row.revoked_reason,
});

/** Grants as the provisioning API lists them (SPEC §5 `GET /grants`), with their stores in one more query. */
function grantReader(db: TypedExecutor) {
  const withStores = async (rows: GrantRow[]): Promise<GrantRecord[]> => {
    const byGrant = await storesOfGrants(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((row) => toGrantRecord(row, byGrant.get(row.id) ?? []));
  };

  return {
    async listGrants(query: GrantListQuery, page?: PageQuery) {
      let select = db.selectFrom('grants').selectAll();
      if (page?.after) select = select.where(afterCursor(page.after));
      if (page) select = select.limit(page.size);
      if ('userId' in query) select = select.where('owner_type', '=', 'user').where('owner_id', '=', query.userId);
      else select = select.where('client_id', '=', query.clientId);
      if (query.mode !== undefined) select = select.where('mode', '=', query.mode);
      const storeId = query.storeId;
      if (storeId !== undefined) {
        select = select.where((eb) =>
          eb.exists(
            eb
              .selectFrom('grant_stores')
              .select('grant_stores.grant_id')
              .whereRef('grant_stores.grant_id', '=', 'grants.id')
              .where('grant_stores.store_id', '=', storeId),
          ),
        );
      }
      return withStores(await select.orderBy('created_at').orderBy('id').execute());
    },
    async findGrant(id: string) {
      const row = await db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined) return null;
      const [record] = await withStores([row]);
      return record ?? null;
    },
  };
}

function transactionOn(trx: Transaction<LooseDatabase>, dialect: Dialect): ProvisioningTransaction {
  const typed = trx as unknown as Transaction<Database>;
  return {
    ...recordReader(trx),
    ...recordWriter(trx, { deferConstraints: dialect === 'postgres' }),
    ...grantReader(typed),
    ...auditReader(typed),
    async lockStore(storeId) {
      // SQLite runs one transaction at a time on its one connection: nothing to lock.
      if (dialect === 'postgres') await sql`select id from stores where id = ${storeId} for update`.execute(trx);
    },

    rotateSecret: (table, id, { newHash, previousExpiresAt, at, compromised }) =>
      guarded(async () => {
        // One statement: the hash that is current at this instant becomes the previous one (or, when
        // compromised, is dropped at once and the client's older tokens die with it).
        const result = await trx
          .updateTable(table.name)
          .set(
            compromised
              ? {
                  previous_secret_hash: null,
                  secret_hash: newHash,
                  previous_secret_expires_at: null,
                  tokens_invalid_before: at,
                  updated_at: at,
                }
              : {
                  previous_secret_hash: sql.ref('secret_hash'),
                  secret_hash: newHash,
                  previous_secret_expires_at: previousExpiresAt,
                  updated_at: at,
                },
          )
          .where('id', '=', id)
          .where('secret_hash', 'is not', null)
          .executeTakeFirst();
        return result.numUpdatedRows === 1n;
      }),

    audit: (entry) => guarded(() => insertAuditEntries(typed, [entry])),

    revokeGrants: (selector, revocation) => revokeGrantsWhere(typed, selector, revocation),

    endSessionsOf: (person) => endSessionsOf(typed, person),

    async liveGrantIdsOnStore(storeId, { clientKinds, ownerUserId }) {
      if (clientKinds.length === 0) return [];
      let query = typed
        .selectFrom('grants')
        .innerJoin('grant_stores', 'grant_stores.grant_id', 'grants.id')
        .select('grants.id')
        .where('grant_stores.store_id', '=', storeId)
        .where('grants.revoked_at', 'is', null)
        .where('grants.client_kind', 'in', [...clientKinds]);
      if (ownerUserId !== undefined) query = query.where('grants.owner_type', '=', 'user').where('grants.owner_id', '=', ownerUserId);
      return (await query.orderBy('grants.id').execute()).map((r) => r.id);
    },

    async removeStoreFromGrants(grantIds, storeId) {
      if (grantIds.length === 0) return [];
      const ids = [...grantIds];
      await typed.deleteFrom('grant_stores').where('store_id', '=', storeId).where('grant_id', 'in', ids).execute();
      const left = await typed.selectFrom('grant_stores').select('grant_id').distinct().where('grant_id', 'in', ids).execute();
      const stillHoldingAStore = new Set(left.map((r) => r.grant_id));
      return ids.filter((id) => !stillHoldingAStore.has(id));
    },
  };
}

/**
 * Every provisioning collection at rest, on SQLite and PostgreSQL alike, generic over the tables the
 * collections declare. Unique keys and references are enforced by the schema's constraints alone
 * (never checked first and then written), so under any race the database decides and the loser gets
 * a clean ConstraintViolation.
 */
export function provisioningRepository(db: Kysely<Database>, dialect: Dialect): ProvisioningStore {
  const loose = db as unknown as Kysely<LooseDatabase>;
  return {
    ...recordReader(loose),
    ...grantReader(db),
    ...auditReader(db),
    // Guarded as a whole too: a deferred reference check fails at commit.
    transaction: (work) => guarded(() => loose.transaction().execute((trx) => work(transactionOn(trx, dialect)))),
  };
}
