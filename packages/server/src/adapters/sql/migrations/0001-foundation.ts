import { type CreateTableBuilder, type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * The foundation schema: the domain records of SPEC §1, signing keys and the audit log.
 * Cross-record references use NO ACTION foreign keys (checked at the end of each statement, so a
 * store's cascade can delete both sides), which makes "still referenced" a clean 409.
 */
export function foundation(dialect: Dialect): Migration {
  const storeScoped = <T extends string>(db: Kysely<unknown>, table: T) =>
    db.schema
      .createTable(table)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id').onDelete('cascade'))
      .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('test', 'live')`));
  const timestamps = <T extends string, C extends string>(t: CreateTableBuilder<T, C>) =>
    t.addColumn('created_at', 'text', (c) => c.notNull()).addColumn('updated_at', 'text', (c) => c.notNull());
  const clientColumns = <T extends string, C extends string>(t: CreateTableBuilder<T, C>) =>
    t
      .addColumn('client_id', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('redirect_uris', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text')
      .addColumn('previous_secret_hash', 'text')
      .addColumn('previous_secret_expires_at', 'text');

  return {
    async up(db: Kysely<unknown>) {
      await timestamps(
        db.schema
          .createTable('stores')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('slug', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('currency', 'text', (c) => c.notNull()),
      ).execute();

      await timestamps(
        storeScoped(db, 'stock_locations')
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull()),
      )
        .addUniqueConstraint('stock_locations_code', ['store_id', 'mode', 'code'])
        .execute();

      await timestamps(
        storeScoped(db, 'price_lists')
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('currency', 'text', (c) => c.notNull()),
      )
        .addUniqueConstraint('price_lists_code', ['store_id', 'mode', 'code'])
        .execute();

      await timestamps(storeScoped(db, 'customer_groups').addColumn('name', 'text', (c) => c.notNull())).execute();

      await timestamps(
        storeScoped(db, 'markets')
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull())
          .addColumn('price_list_id', 'text', (c) => c.notNull().references('price_lists.id'))
          .addColumn('customer_group_id', 'text', (c) => c.references('customer_groups.id')),
      )
        .addUniqueConstraint('markets_code', ['store_id', 'mode', 'code'])
        .execute();

      await db.schema
        .createTable('market_stock_locations')
        .addColumn('market_id', 'text', (c) => c.notNull().references('markets.id').onDelete('cascade'))
        .addColumn('stock_location_id', 'text', (c) => c.notNull().references('stock_locations.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('market_stock_locations_pk', ['market_id', 'stock_location_id'])
        .execute();
      await db.schema.createIndex('market_stock_locations_location').on('market_stock_locations').column('stock_location_id').execute();

      await timestamps(
        storeScoped(db, 'customers')
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('customer_group_id', 'text', (c) => c.references('customer_groups.id')),
      )
        .addUniqueConstraint('customers_email', ['store_id', 'mode', 'email'])
        .execute();

      await timestamps(
        db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull()),
      ).execute();

      await timestamps(
        db.schema
          .createTable('memberships')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id').onDelete('cascade'))
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'admin', 'member')`)),
      )
        .addUniqueConstraint('memberships_store_user', ['store_id', 'user_id'])
        .execute();

      await timestamps(
        clientColumns(
          storeScoped(db, 'credentials').addColumn('kind', 'text', (c) =>
            c.notNull().check(sql`kind in ('sales_channel', 'integration', 'webapp')`),
          ),
        )
          .addColumn('expires_in', 'integer')
          .addColumn('jwks', 'text')
          .addColumn('password_grant', 'integer', (c) => c.notNull()),
      ).execute();
      await db.schema.createIndex('credentials_store').on('credentials').columns(['store_id', 'mode']).execute();

      await timestamps(
        clientColumns(
          db.schema
            .createTable('apps')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('owner_user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade')),
        )
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('homepage', 'text', (c) => c.notNull())
          .addColumn('confidential', 'integer', (c) => c.notNull()),
      ).execute();

      await timestamps(
        storeScoped(db, 'skus')
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull()),
      )
        .addUniqueConstraint('skus_code', ['store_id', 'mode', 'code'])
        .execute();

      await timestamps(
        storeScoped(db, 'prices')
          .addColumn('sku_id', 'text', (c) => c.notNull().references('skus.id').onDelete('cascade'))
          .addColumn('price_list_id', 'text', (c) => c.notNull().references('price_lists.id'))
          .addColumn('amount_cents', 'integer', (c) => c.notNull()),
      )
        .addUniqueConstraint('prices_sku_price_list', ['sku_id', 'price_list_id'])
        .execute();

      await timestamps(
        storeScoped(db, 'stock_items')
          .addColumn('sku_id', 'text', (c) => c.notNull().references('skus.id').onDelete('cascade'))
          .addColumn('stock_location_id', 'text', (c) => c.notNull().references('stock_locations.id'))
          .addColumn('quantity', 'integer', (c) => c.notNull()),
      )
        .addUniqueConstraint('stock_items_sku_location', ['sku_id', 'stock_location_id'])
        .execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('next', 'current', 'retired')`))
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_jwk_encrypted', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('activated_at', 'text')
        .addColumn('retired_at', 'text')
        .addColumn('publish_until', 'text')
        .execute();
      // At most one current and one next key, whatever several instances do at first start.
      await db.schema
        .createIndex('signing_keys_one_per_status')
        .on('signing_keys')
        .column('status')
        .unique()
        .where(sql.ref('status'), '!=', 'retired')
        .execute();

      await db.schema
        .createTable('audit_entries')
        .$call((t) =>
          dialect === 'postgres'
            ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
            : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()),
        )
        .addColumn('store_id', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_entries_store').on('audit_entries').columns(['store_id', 'id']).execute();
    },
  };
}
