import type { StoreSummary } from '../model/store-summary';
/** Stores as the consent page and app tokens need them. adapters/sql/store-directory-repository.ts. */
export interface StoreDirectory {
  findStores(ids: readonly string[]): Promise<StoreSummary[]>;
  /** Stores where the user is owner or admin: the ones an app may be granted (SPEC §2). */
  storesManagedBy(userId: string): Promise<StoreSummary[]>;
}
