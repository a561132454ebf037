import type { Kysely } from 'kysely';
import type { Mode } from '../../core/model/mode';
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
  /** A customer of one store and mode, by id or by (lower-cased) email. */
  const findCustomer = async (storeId: string, mode: Mode, column: 'id' | 'email', value: string) => {
    const row = await db
      .selectFrom('customers')
      .select(customerColumns)
      .where('store_id', '=', storeId)
      .where('mode', '=', mode)
      .where(column, '=', value)
      .executeTakeFirst();
    return row && toCustomer(row);
  };
  return {
    findCustomerByEmail: (storeId, mode, email) => findCustomer(storeId, mode, 'email', email.toLowerCase()),
    findCustomer: (storeId, mode, id) => findCustomer(storeId, mode, 'id', id),
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
