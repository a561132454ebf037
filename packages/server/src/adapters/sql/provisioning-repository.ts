import { type Kysely, sql, type Transaction } from 'kysely';
import type { CollectionName } from '../../core/model/collection-name';
import {
  ConstraintViolation,
  type GrantListQuery,
  type GrantRecord,
  type ProvisionedRecord,
  type ProvisioningStore,
  type ProvisioningTransaction,
  type RecordScope,
  type RecordValues,
} from '../../core/ports/provisioning-store';
import { auditReader, insertAuditEntries } from './audit-log';
import type { Database, GrantRow } from './database-schema';
import { type Dialect, isForeignKeyViolation, isUniqueViolation } from './dialect';
import { revokeGrantsWhere } from './grant-repository';
import { endSessionsOf } from './sign-in-session-repository';

/** How a table's columns differ from the record's fields; everything else is stored as is. */
interface TableCodec {
  /** 0/1 integers ↔ booleans. */
  readonly flags?: readonly string[];
  /** JSON text ↔ arrays and objects. */
  readonly json?: readonly string[];
  /** Columns that never leave storage through this repository (SPEC §5: no hashes in records). */
  readonly hidden?: readonly string[];
}

const CLIENT_SECRETS = ['secret_hash', 'previous_secret_hash', 'tokens_invalid_before'];

const codecs: Partial<Record<CollectionName, TableCodec>> = {
  markets: { flags: ['active'] },
  customers: { hidden: ['password_hash'] },
  users: { hidden: ['password_hash'] },
  credentials: { flags: ['password_grant'], json: ['scopes', 'redirect_uris', 'jwks'], hidden: CLIENT_SECRETS },
  apps: { flags: ['confidential'], json: ['scopes', 'redirect_uris'], hidden: CLIENT_SECRETS },
};

/**
 * Markets' ordered `stock_location_ids` live in the join table market_stock_locations (`position`
 * keeps the order); this is the one field that is not a column.
 */
const MARKET_LOCATIONS = 'stock_location_ids';

/**
 * The table names are the collection names, which the type system cannot follow through a variable:
 * this repository talks to a loosely typed view of the same database.
 */
type LooseDatabase = Record<string, Record<string, unknown>>;
type Executor = Kysely<LooseDatabase> | Transaction<LooseDatabase>;

function encode(collection: CollectionName, values: RecordValues): Record<string, unknown> {
  const codec = codecs[collection] ?? {};
  const row: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values)) {
    if (collection === 'markets' && field === MARKET_LOCATIONS) continue;
    if (codec.flags?.includes(field)) row[field] = value ? 1 : 0;
    else if (codec.json?.includes(field)) row[field] = value === null ? null : JSON.stringify(value);
    else row[field] = value;
  }
  return row;
}

function decode(collection: CollectionName, row: Record<string, unknown>): ProvisionedRecord {
  const codec = codecs[collection] ?? {};
  const record: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (codec.hidden?.includes(column)) continue;
    if (codec.flags?.includes(column)) record[column] = value === 1 || value === true;
    else if (codec.json?.includes(column)) record[column] = value === null ? null : JSON.parse(value as string);
    else record[column] = value;
  }
  return record as ProvisionedRecord;
}

/** Database constraint errors in the core's terms; anything else passes through. */
function translate(error: unknown): unknown {
  if (isUniqueViolation(error)) return new ConstraintViolation('unique');
  if (isForeignKeyViolation(error)) return new ConstraintViolation('reference');
  return error;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translate(error);
  }
}

function reader(db: Executor) {
  const select = (collection: CollectionName, scope: RecordScope) => {
    let query = db.selectFrom(collection).selectAll();
    if (scope.storeId !== undefined) query = query.where('store_id', '=', scope.storeId);
    if (scope.mode !== undefined) query = query.where('mode', '=', scope.mode);
    for (const [field, value] of Object.entries(scope.fields ?? {})) query = query.where(field, '=', value);
    return query;
  };

  /** Adds each market's ordered stock location ids, with one query for the whole page. */
  const withLocations = async (collection: CollectionName, records: ProvisionedRecord[]): Promise<ProvisionedRecord[]> => {
    if (collection !== 'markets' || records.length === 0) return records;
    const links = await db
      .selectFrom('market_stock_locations')
      .select(['market_id', 'stock_location_id'])
      .where(
        'market_id',
        'in',
        records.map((r) => r.id),
      )
      .orderBy('market_id')
      .orderBy('position')
      .execute();
    const byMarket = new Map<string, string[]>();
    for (const link of links) {
      const list = byMarket.get(link.market_id as string) ?? [];
      list.push(link.stock_location_id as string);
      byMarket.set(link.market_id as string, list);
    }
    return records.map((r) => ({ ...r, [MARKET_LOCATIONS]: byMarket.get(r.id) ?? [] }));
  };

  return {
    async find(collection: CollectionName, id: string, scope: RecordScope) {
      const row = await select(collection, scope).where('id', '=', id).executeTakeFirst();
      if (row === undefined) return null;
      const [record] = await withLocations(collection, [decode(collection, row)]);
      return record ?? null;
    },
    async list(collection: CollectionName, scope: RecordScope) {
      const rows = await select(collection, scope).orderBy('created_at').orderBy('id').execute();
      return withLocations(
        collection,
        rows.map((row) => decode(collection, row)),
      );
    },
  };
}

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
    if (rows.length === 0) return [];
    const links = await db
      .selectFrom('grant_stores')
      .select(['grant_id', 'store_id'])
      .where(
        'grant_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('store_id')
      .execute();
    const byGrant = new Map<string, string[]>();
    for (const link of links) byGrant.set(link.grant_id, [...(byGrant.get(link.grant_id) ?? []), link.store_id]);
    return rows.map((row) => toGrantRecord(row, byGrant.get(row.id) ?? []));
  };

  return {
    async listGrants(query: GrantListQuery) {
      let select = db.selectFrom('grants').selectAll();
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
  const read = reader(trx);
  const typed = trx as unknown as Transaction<Database>;

  const replaceLocations = async (marketId: string, ids: readonly string[]) => {
    await trx.deleteFrom('market_stock_locations').where('market_id', '=', marketId).execute();
    if (ids.length === 0) return;
    await trx
      .insertInto('market_stock_locations')
      .values(ids.map((stockLocationId, position) => ({ market_id: marketId, stock_location_id: stockLocationId, position })))
      .execute();
  };

  const found = async (collection: CollectionName, id: string) => {
    const record = await read.find(collection, id, {});
    if (record === null) throw new Error(`${collection} ${id} vanished inside its own transaction`);
    return record;
  };

  return {
    ...read,
    ...grantReader(typed),
    ...auditReader(typed),
    async lockStore(storeId) {
      // SQLite runs one transaction at a time on its one connection: nothing to lock.
      if (dialect === 'postgres') await sql`select id from stores where id = ${storeId} for update`.execute(trx);
    },
    insert: (collection, values) =>
      guarded(async () => {
        await trx.insertInto(collection).values(encode(collection, values)).execute();
        const locations = values[MARKET_LOCATIONS];
        if (collection === 'markets' && Array.isArray(locations)) await replaceLocations(values.id as string, locations);
        return found(collection, values.id as string);
      }),

    update: (collection, id, values) =>
      guarded(async () => {
        const row = encode(collection, values);
        if (Object.keys(row).length > 0) await trx.updateTable(collection).set(row).where('id', '=', id).execute();
        const locations = values[MARKET_LOCATIONS];
        if (collection === 'markets' && Array.isArray(locations)) await replaceLocations(id, locations);
        return found(collection, id);
      }),

    remove: (collection, id) =>
      guarded(async () => {
        // A store's cascade reaches both ends of its records' references; on PostgreSQL those are
        // checked at commit for this one delete (see migrations/0002-deferrable-references.ts).
        if (collection === 'stores' && dialect === 'postgres') await sql`set constraints all deferred`.execute(trx);
        await trx.deleteFrom(collection).where('id', '=', id).execute();
      }),

    rotateSecret: (collection, id, { newHash, previousExpiresAt, at, compromised }) =>
      guarded(async () => {
        // One statement: the hash that is current at this instant becomes the previous one (or, when
        // compromised, is dropped at once and the client's older tokens die with it).
        const result = await trx
          .updateTable(collection)
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

    async clientIdsOf(owner) {
      const rows =
        'storeId' in owner
          ? await typed.selectFrom('credentials').select('client_id').where('store_id', '=', owner.storeId).execute()
          : await typed.selectFrom('apps').select('client_id').where('owner_user_id', '=', owner.ownerUserId).execute();
      return rows.map((r) => r.client_id);
    },

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
 * Every provisioning collection at rest, on SQLite and PostgreSQL alike. Unique keys and references
 * are enforced by the schema's constraints alone (never checked first and then written), so under
 * any race the database decides and the loser gets a clean ConstraintViolation.
 */
export function provisioningRepository(db: Kysely<Database>, dialect: Dialect): ProvisioningStore {
  const loose = db as unknown as Kysely<LooseDatabase>;
  return {
    ...reader(loose),
    ...grantReader(db),
    ...auditReader(db),
    // Guarded as a whole too: a deferred reference check fails at commit.
    transaction: (work) => guarded(() => loose.transaction().execute((trx) => work(transactionOn(trx, dialect)))),
  };
}
