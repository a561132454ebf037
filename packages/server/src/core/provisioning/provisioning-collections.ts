import type { CollectionName } from '../model/collection-name';
import type { AnyCollection } from './collection-definition';
import { appsCollection } from './collections/apps-collection';
import { credentialsCollection } from './collections/credentials-collection';
import { customerGroupsCollection } from './collections/customer-groups-collection';
import { customersCollection } from './collections/customers-collection';
import { marketsCollection } from './collections/markets-collection';
import { membershipsCollection } from './collections/memberships-collection';
import { priceListsCollection } from './collections/price-lists-collection';
import { pricesCollection } from './collections/prices-collection';
import { skusCollection } from './collections/skus-collection';
import { stockItemsCollection } from './collections/stock-items-collection';
import { stockLocationsCollection } from './collections/stock-locations-collection';
import { storesCollection } from './collections/stores-collection';
import { usersCollection } from './collections/users-collection';

/** Every collection of SPEC §5, by name (the URL segment, the table and the change-hub collection). */
export const provisioningCollections: Readonly<Record<CollectionName, AnyCollection>> = {
  stores: storesCollection,
  stock_locations: stockLocationsCollection,
  price_lists: priceListsCollection,
  customer_groups: customerGroupsCollection,
  markets: marketsCollection,
  customers: customersCollection,
  users: usersCollection,
  memberships: membershipsCollection,
  credentials: credentialsCollection,
  apps: appsCollection,
  skus: skusCollection,
  prices: pricesCollection,
  stock_items: stockItemsCollection,
};
