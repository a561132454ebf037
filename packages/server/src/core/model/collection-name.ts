/** The provisioning API's collections (SPEC §5), by their path segment. */
export type CollectionName =
  | 'stores'
  | 'stock_locations'
  | 'price_lists'
  | 'customer_groups'
  | 'markets'
  | 'customers'
  | 'users'
  | 'memberships'
  | 'credentials'
  | 'apps'
  | 'skus'
  | 'prices'
  | 'stock_items';
