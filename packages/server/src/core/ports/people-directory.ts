import type { Customer } from '../model/customer';
import type { Mode } from '../model/mode';
import type { Role } from '../model/role';
import type { StaffUser } from '../model/staff-user';
/** Shoppers and staff as the grants see them. adapters/sql/people-directory-repository.ts. */
export interface PeopleDirectory {
  findCustomerByEmail(storeId: string, mode: Mode, email: string): Promise<Customer | undefined>;
  findCustomer(storeId: string, mode: Mode, id: string): Promise<Customer | undefined>;
  /** The user's role in the store, or undefined when they are not a member (or do not exist). */
  findRole(storeId: string, userId: string): Promise<Role | undefined>;
  findUser(id: string): Promise<StaffUser | undefined>;
  findUserByEmail(email: string): Promise<StaffUser | undefined>;
}
