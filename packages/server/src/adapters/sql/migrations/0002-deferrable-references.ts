import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../dialect';

/** The NO ACTION references of 0001, as PostgreSQL names them (`<table>_<column>_fkey`). */
const references = [
  ['markets', 'markets_price_list_id_fkey'],
  ['markets', 'markets_customer_group_id_fkey'],
  ['market_stock_locations', 'market_stock_locations_stock_location_id_fkey'],
  ['customers', 'customers_customer_group_id_fkey'],
  ['prices', 'prices_price_list_id_fkey'],
  ['stock_items', 'stock_items_stock_location_id_fkey'],
] as const;

/**
 * Deleting a store cascades to both ends of these references. PostgreSQL runs each cascaded delete
 * as its own statement and checks a NO ACTION reference at that statement's end, before the sibling
 * cascade has removed the referencing rows (the price list goes before the market that uses it), so
 * the store's delete failed. Made DEFERRABLE (still checked immediately by default), a store's delete
 * can defer them to commit (adapters/sql/provisioning-repository.ts). SQLite checks at the end of the
 * outer statement already and needs nothing.
 */
export function deferrableReferences(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      for (const [table, constraint] of references) {
        await sql`alter table ${sql.table(table)} alter constraint ${sql.ref(constraint)} deferrable initially immediate`.execute(db);
      }
    },
  };
}
