import type { Kysely } from 'kysely';
import type { PeopleDirectory } from '../../core/ports/people-directory';
import type { Database } from './database-schema';

const customerColumns = ['id', 'email', 'password_hash', 'customer_group_id'] as const;

export function peopleDirectoryRepository(db: Kysely<Database>): PeopleDirectory {
  const toCustomer = (row: { id: string; email: string; password_hash: string; customer_group_id: string | null }) => ({
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    customerGroupId: row.customer_group_id,
  });
  return {
    async findCustomerByEmail(storeId, mode, email) {
      const row = await db
        .selectFrom('customers')
        .select(customerColumns)
        .where('store_id', '=', storeId)
        .where('mode', '=', mode)
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
      return row && toCustomer(row);
    },
    async findCustomer(storeId, mode, id) {
      const row = await db
        .selectFrom('customers')
        .select(customerColumns)
        .where('store_id', '=', storeId)
        .where('mode', '=', mode)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toCustomer(row);
    },
    async findUser(id) {
      const row = await db.selectFrom('users').select(['id', 'email', 'name', 'password_hash']).where('id', '=', id).executeTakeFirst();
      return row && { id: row.id, email: row.email, name: row.name, passwordHash: row.password_hash };
    },
    async findUserByEmail(email) {
      const row = await db
        .selectFrom('users')
        .select(['id', 'email', 'name', 'password_hash'])
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
      return row && { id: row.id, email: row.email, name: row.name, passwordHash: row.password_hash };
    },
    async findRole(storeId, userId) {
      const row = await db
        .selectFrom('memberships')
        .select('role')
        .where('store_id', '=', storeId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.role;
    },
  };
}
