import { type Kysely, sql, type Transaction } from 'kysely';
import {
  ConstraintViolation,
  type ProvisionedRecord,
  type RecordScope,
  type RecordValues,
  type TableSpec,
} from '../../core/ports/provisioning-store';
import type { PageCursor } from '../../core/provisioning/parse-page-query';
import { isForeignKeyViolation, isUniqueViolation } from './dialect';

/**
 * The collections' tables are named by their definitions (TableSpec), which the type system cannot
 * follow through a variable: records are read and written through a loosely typed view of the same
 * database, with each table's row codec applied on the way in and out.
 */
export type LooseDatabase = Record<string, Record<string, unknown>>;
export type LooseExecutor = Kysely<LooseDatabase> | Transaction<LooseDatabase>;

/** A record's values as the table's columns: flags as 0/1, JSON as text, the ordered list left out. */
export function encode(table: TableSpec, values: RecordValues): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values)) {
    if (field === table.orderedList?.field) continue;
    if (table.flags?.includes(field)) row[field] = value ? 1 : 0;
    else if (table.json?.includes(field)) row[field] = value === null ? null : JSON.stringify(value);
    else row[field] = value;
  }
  return row;
}

/** A row as the record the API shows: hidden columns (hashes) dropped, flags and JSON decoded. */
export function decode(table: TableSpec, row: Record<string, unknown>): ProvisionedRecord {
  const record: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (table.hidden?.includes(column)) continue;
    if (table.flags?.includes(column)) record[column] = value === 1 || value === true;
    else if (table.json?.includes(column)) record[column] = value === null ? null : JSON.parse(value as string);
    else record[column] = value;
  }
  return record as ProvisionedRecord;
}

/** Database constraint errors in the core's terms; anything else passes through. */
export function translate(error: unknown): unknown {
  if (isUniqueViolation(error)) return new ConstraintViolation('unique');
  if (isForeignKeyViolation(error)) return new ConstraintViolation('reference');
  return error;
}

export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translate(error);
  }
}

/** Finding and listing the records of any collection's table. */
export function recordReader(db: LooseExecutor) {
  const select = (table: TableSpec, scope: RecordScope) => {
    let query = db.selectFrom(table.name).selectAll();
    if (scope.storeId !== undefined) query = query.where('store_id', '=', scope.storeId);
    if (scope.mode !== undefined) query = query.where('mode', '=', scope.mode);
    for (const [field, value] of Object.entries(scope.fields ?? {})) query = query.where(field, '=', value);
    return query;
  };

  /** Adds each record's ordered list (a market's stock location ids), with one query for the whole page. */
  const withOrderedList = async (table: TableSpec, records: ProvisionedRecord[]): Promise<ProvisionedRecord[]> => {
    const list = table.orderedList;
    if (list === undefined || records.length === 0) return records;
    const links = await db
      .selectFrom(list.table)
      .select([list.ownerColumn, list.itemColumn])
      .where(
        list.ownerColumn,
        'in',
        records.map((r) => r.id),
      )
      .orderBy(list.ownerColumn)
      .orderBy('position')
      .execute();
    const byOwner = new Map<string, string[]>();
    for (const link of links) {
      const owner = link[list.ownerColumn] as string;
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), link[list.itemColumn] as string]);
    }
    return records.map((r) => ({ ...r, [list.field]: byOwner.get(r.id) ?? [] }));
  };

  return {
    async find(table: TableSpec, id: string, scope: RecordScope) {
      const row = await select(table, scope).where('id', '=', id).executeTakeFirst();
      if (row === undefined) return null;
      const [record] = await withOrderedList(table, [decode(table, row)]);
      return record ?? null;
    },
    async list(table: TableSpec, scope: RecordScope) {
      let query = select(table, scope);
      const page = scope.page;
      if (page?.after) query = query.where(afterCursor(page.after));
      if (page) query = query.limit(page.size);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return withOrderedList(
        table,
        rows.map((row) => decode(table, row)),
      );
    },
  };
}

/** Inserting, updating and deleting the records of any collection's table, inside a transaction. */
export function recordWriter(trx: Transaction<LooseDatabase>, options: { deferConstraints: boolean }) {
  const read = recordReader(trx);

  const replaceOrderedList = async (table: TableSpec, ownerId: string, values: RecordValues) => {
    const list = table.orderedList;
    const ids = list === undefined ? undefined : values[list.field];
    if (list === undefined || !Array.isArray(ids)) return;
    await trx.deleteFrom(list.table).where(list.ownerColumn, '=', ownerId).execute();
    if (ids.length === 0) return;
    await trx
      .insertInto(list.table)
      .values(ids.map((item: unknown, position) => ({ [list.ownerColumn]: ownerId, [list.itemColumn]: item, position })))
      .execute();
  };

  const found = async (table: TableSpec, id: string) => {
    const record = await read.find(table, id, {});
    if (record === null) throw new Error(`${table.name} ${id} vanished inside its own transaction`);
    return record;
  };

  return {
    insert: (table: TableSpec, values: RecordValues) =>
      guarded(async () => {
        await trx.insertInto(table.name).values(encode(table, values)).execute();
        await replaceOrderedList(table, values.id as string, values);
        return found(table, values.id as string);
      }),

    update: (table: TableSpec, id: string, values: RecordValues) =>
      guarded(async () => {
        const row = encode(table, values);
        if (Object.keys(row).length > 0) await trx.updateTable(table.name).set(row).where('id', '=', id).execute();
        await replaceOrderedList(table, id, values);
        return found(table, id);
      }),

    remove: (table: TableSpec, id: string) =>
      guarded(async () => {
        // A cascade reaching both ends of references: on PostgreSQL they are checked at commit for this
        // one delete (see migrations/0002-deferrable-references.ts).
        if (table.deferReferencesOnDelete && options.deferConstraints) await sql`set constraints all deferred`.execute(trx);
        await trx.deleteFrom(table.name).where('id', '=', id).execute();
      }),
  };
}

/** Keyset pagination over (created_at, id), the order every list is read in. */
export function afterCursor(after: PageCursor) {
  // biome-ignore lint/suspicious/noExplicitAny: the one where-builder shared by every table's query
  return (eb: any) =>
    eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])]);
}
