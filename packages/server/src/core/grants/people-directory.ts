import type { Mode } from '../ports';

export interface Customer {
  readonly id: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly customerGroupId: string | null;
}

export type Role = 'owner' | 'admin' | 'member';

export interface StaffUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
}

/** Shoppers and staff as the grants see them. storage/people-directory-repository.ts. */
export interface PeopleDirectory {
  findCustomerByEmail(storeId: string, mode: Mode, email: string): Promise<Customer | undefined>;
  findCustomer(storeId: string, mode: Mode, id: string): Promise<Customer | undefined>;
  /** The user's role in the store, or undefined when they are not a member (or do not exist). */
  findRole(storeId: string, userId: string): Promise<Role | undefined>;
  findUser(id: string): Promise<StaffUser | undefined>;
  findUserByEmail(email: string): Promise<StaffUser | undefined>;
}
