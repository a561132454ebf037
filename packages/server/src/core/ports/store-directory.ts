import type { StoreMembership } from '../model/store-membership';
import type { StoreSummary } from '../model/store-summary';
/** Stores as the consent page, app tokens and the dashboard need them. adapters/sql/store-directory-repository.ts. */
export interface StoreDirectory {
  findStores(ids: readonly string[]): Promise<StoreSummary[]>;
  /** Stores where the user is owner or admin: the ones an app may be granted (SPEC §2). */
  storesManagedBy(userId: string): Promise<StoreSummary[]>;
  /** Every store where the user has a role, with the role, by name (the dashboard, SPEC §7). */
  membershipsOf(userId: string): Promise<StoreMembership[]>;
}
