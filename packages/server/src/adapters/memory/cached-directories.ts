import type { ChangeHub } from '../../core/change-hub';
import type { OAuthClient } from '../../core/model/client';
import type { Customer } from '../../core/model/customer';
import type { Market, StockLocation } from '../../core/model/market';
import type { Role } from '../../core/model/role';
import type { StaffUser } from '../../core/model/staff-user';
import type { StoreSummary } from '../../core/model/store-summary';
import type { ClientDirectory } from '../../core/ports/client-directory';
import type { Clock } from '../../core/ports/clock';
import type { MarketDirectory } from '../../core/ports/market-directory';
import type { PeopleDirectory } from '../../core/ports/people-directory';
import type { StoreDirectory } from '../../core/ports/store-directory';
import type { AnyCollection } from '../../core/provisioning/collection-definition';
import { provisioningCollections } from '../../core/provisioning/provisioning-collections';
import { TtlCache } from './ttl-cache';

const staleCaches = (collection: string) =>
  (provisioningCollections as Readonly<Record<string, AnyCollection | undefined>>)[collection]?.staleCaches ?? [];

/** The token path's caches, by the name the metrics give them. */
export type TokenPathCache = 'clients' | 'markets' | 'stock_locations' | 'roles' | 'customers' | 'users' | 'stores';

/** The directories the token path and the authorization endpoint read. */
export interface Directories {
  readonly clients: ClientDirectory;
  readonly markets: MarketDirectory;
  readonly people: PeopleDirectory;
  readonly stores: StoreDirectory;
}

/**
 * The token path reads clients and markets on every request, and a person's role or customer record (or,
 * for an app, the stores they manage) on every refresh and code redemption (SPEC §2's rules, checked
 * again), and the authorization endpoint a store's name and, to resume a staff member's sign-in
 * session, the staff member by id; these caches answer repeated reads from memory for
 * `ttlSeconds`, and forget everything of a kind as soon as a write to it commits here or, through the
 * change channel, at another instance (SPEC §4). Unknown client ids and missing memberships are cached
 * too (briefly), so a flood of bad ids does not become a flood of queries. A read that began before
 * a write committed is dropped with the rest, so it cannot outlive the write in the cache.
 */
export function cachedDirectories(
  { clients, markets, people, stores }: Directories,
  changes: ChangeHub,
  clock: Clock,
  ttlSeconds: number,
  /** Told of every lookup and whether memory answered it (the metrics' cache hit ratio). */
  observe: (cache: TokenPathCache, hit: boolean) => void = () => {},
): Directories {
  const clientCache = new TtlCache<OAuthClient | undefined>(clock, ttlSeconds * 1000, undefined, (hit) => observe('clients', hit));
  const marketCache = new TtlCache<Market | undefined>(clock, ttlSeconds * 1000, undefined, (hit) => observe('markets', hit));
  const locationCache = new TtlCache<StockLocation | undefined>(clock, ttlSeconds * 1000, undefined, (hit) =>
    observe('stock_locations', hit),
  );
  const roleCache = new TtlCache<Role | undefined>(clock, ttlSeconds * 1000, undefined, (hit) => observe('roles', hit));
  const customerCache = new TtlCache<Customer | undefined>(clock, ttlSeconds * 1000, undefined, (hit) => observe('customers', hit));
  // Staff by id: a sign-in page's session resumed (SPEC §3), the consent page's names.
  const userCache = new TtlCache<StaffUser | undefined>(clock, ttlSeconds * 1000, undefined, (hit) => observe('users', hit));
  // Stores by their ids (`findStores`: the names) and the stores a user manages (their memberships).
  const storeCache = new TtlCache<StoreSummary[]>(clock, ttlSeconds * 1000, undefined, (hit) => observe('stores', hit));
  changes.subscribe(({ collection }) => {
    const stale = staleCaches(collection);
    if (stale.includes('clients')) clientCache.clear();
    if (stale.includes('markets')) {
      marketCache.clear();
      locationCache.clear();
    }
    if (stale.includes('people')) {
      roleCache.clear();
      customerCache.clear();
      userCache.clear();
      storeCache.clear();
    }
  });
  return {
    clients: { findByClientId: (id) => clientCache.getOrLoad(id, () => clients.findByClientId(id)) },
    markets: {
      findMarket: (storeId, mode, ref) =>
        marketCache.getOrLoad(`${storeId}|${mode}|${ref.by}|${ref.value}`, () => markets.findMarket(storeId, mode, ref)),
      findStockLocation: (storeId, mode, ref) =>
        locationCache.getOrLoad(`${storeId}|${mode}|${ref.by}|${ref.value}`, () => markets.findStockLocation(storeId, mode, ref)),
    },
    people: {
      // Sign-in reads (by email, with the password hash) go to the database every time.
      findCustomerByEmail: (storeId, mode, email) => people.findCustomerByEmail(storeId, mode, email),
      findUser: (id) => userCache.getOrLoad(id, () => people.findUser(id)),
      findUserByEmail: (email) => people.findUserByEmail(email),
      findRole: (storeId, userId) => roleCache.getOrLoad(`${storeId}|${userId}`, () => people.findRole(storeId, userId)),
      findCustomer: (storeId, mode, id) =>
        customerCache.getOrLoad(`${storeId}|${mode}|${id}`, () => people.findCustomer(storeId, mode, id)),
    },
    stores: {
      // Readers filter and map the arrays, never change them: one array is shared by every reader.
      findStores: (ids) =>
        ids.length === 0 ? stores.findStores(ids) : storeCache.getOrLoad(`ids|${ids.join(',')}`, () => stores.findStores(ids)),
      storesManagedBy: (userId) => storeCache.getOrLoad(`managed|${userId}`, () => stores.storesManagedBy(userId)),
      // The dashboard's list of a user's stores and roles is read fresh.
      membershipsOf: (userId) => stores.membershipsOf(userId),
    },
  };
}
