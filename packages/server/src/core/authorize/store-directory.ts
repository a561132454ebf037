export interface StoreSummary {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

/** Stores as the consent page and app tokens need them. storage/store-directory-repository.ts. */
export interface StoreDirectory {
  findStores(ids: readonly string[]): Promise<StoreSummary[]>;
  /** Stores where the user is owner or admin: the ones an app may be granted (SPEC §2). */
  storesManagedBy(userId: string): Promise<StoreSummary[]>;
}
