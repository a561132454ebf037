import type { ChangeHub } from '../../core/change-hub';
import type { OAuthClient } from '../../core/model/client';
import type { Market, StockLocation } from '../../core/model/market';
import type { ClientDirectory } from '../../core/ports/client-directory';
import type { Clock } from '../../core/ports/clock';
import type { MarketDirectory } from '../../core/ports/market-directory';
import type { AnyCollection } from '../../core/provisioning/collection-definition';
import { provisioningCollections } from '../../core/provisioning/provisioning-collections';
import { TtlCache } from './ttl-cache';

const staleCaches = (collection: string) =>
  (provisioningCollections as Readonly<Record<string, AnyCollection | undefined>>)[collection]?.staleCaches ?? [];

/**
 * The token path reads clients and markets on every request; these caches answer repeated reads from
 * memory for `ttlSeconds`, and forget everything of a kind as soon as a write to it commits here.
 * Unknown client ids are cached too (briefly), so a flood of bad ids does not become a flood of queries.
 */
export function cachedDirectories(
  clients: ClientDirectory,
  markets: MarketDirectory,
  changes: ChangeHub,
  clock: Clock,
  ttlSeconds: number,
  /** Told of every lookup and whether memory answered it (the metrics' cache hit ratio). */
  observe: (cache: 'clients' | 'markets' | 'stock_locations', hit: boolean) => void = () => {},
): { clients: ClientDirectory; markets: MarketDirectory } {
  const clientCache = new TtlCache<OAuthClient | undefined>(clock, ttlSeconds * 1000, undefined, (hit) => observe('clients', hit));
  const marketCache = new TtlCache<Market | undefined>(clock, ttlSeconds * 1000, undefined, (hit) => observe('markets', hit));
  const locationCache = new TtlCache<StockLocation | undefined>(clock, ttlSeconds * 1000, undefined, (hit) =>
    observe('stock_locations', hit),
  );
  changes.subscribe(({ collection }) => {
    const stale = staleCaches(collection);
    if (stale.includes('clients')) clientCache.clear();
    if (stale.includes('markets')) {
      marketCache.clear();
      locationCache.clear();
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
  };
}
