import { InvalidScopeError } from '../errors/oauth-errors';
import type { Market } from '../model/market';
import type { Mode } from '../model/mode';
import type { MarketDirectory } from '../ports/market-directory';
import type { ParsedScope } from './parse-scope';

export interface ScopeContext {
  readonly storeId: string;
  readonly mode: Mode;
  /** The permission scopes the client (or the person through it) may hold. */
  readonly allowed: readonly string[];
  /** Sales-channel tokens must name a market (SPEC §2). */
  readonly marketRequired: boolean;
  /**
   * Who the token acts for, for private markets: `null` for a guest (client_credentials), or the
   * customer's group. Back-office owners (users, integrations) pass `undefined`: not shopper-facing.
   */
  readonly shopperGroupId: string | null | undefined;
}

export interface ResolvedScope {
  readonly permissions: readonly string[];
  /** The scope string granted: permission scopes, then the restriction entries as requested. */
  readonly scope: string;
  /** The market in scope, its stock locations narrowed to the one in scope. */
  readonly market: Market | undefined;
}

/**
 * SPEC §2's rules, each raising `invalid_scope`:
 * - no permission scope requested means all the client may hold; one it may not hold is refused;
 * - the market must exist in the token's store and mode and be active;
 * - a stock location needs a market and must be one of its stock locations;
 * - a sales channel needs a market;
 * - a private market only for a customer of its group (never a guest).
 */
export async function resolveScope(parsed: ParsedScope, context: ScopeContext, markets: MarketDirectory): Promise<ResolvedScope> {
  const unheld = parsed.permissions.filter((p) => !context.allowed.includes(p));
  if (unheld.length > 0) throw new InvalidScopeError(`The client may not hold: ${unheld.join(' ')}`);
  const permissions = parsed.permissions.length > 0 ? parsed.permissions : context.allowed;

  let market: Market | undefined;
  if (parsed.market) {
    const found = await markets.findMarket(context.storeId, context.mode, parsed.market);
    if (!found) throw new InvalidScopeError(`No market ${parsed.market.by} ${parsed.market.value} in this store and mode`);
    if (!found.active) throw new InvalidScopeError(`Market ${found.code} is not active`);
    if (found.customerGroupId !== null && context.shopperGroupId !== undefined && context.shopperGroupId !== found.customerGroupId) {
      throw new InvalidScopeError(
        context.shopperGroupId === null
          ? `Market ${found.code} is private: a guest token cannot be scoped to it`
          : `Market ${found.code} is private to a customer group this customer is not in`,
      );
    }
    market = found;
  } else if (context.marketRequired) {
    throw new InvalidScopeError('A sales channel token needs a market in scope (market:id:… or market:code:…)');
  }

  if (parsed.stockLocation) {
    if (!market) throw new InvalidScopeError('A stock location can only be in scope together with its market');
    const location = await markets.findStockLocation(context.storeId, context.mode, parsed.stockLocation);
    if (!location || !market.stockLocationIds.includes(location.id)) {
      throw new InvalidScopeError(`Stock location ${parsed.stockLocation.value} is not one of market ${market.code}'s stock locations`);
    }
    market = { ...market, stockLocationIds: [location.id] };
  }

  return { permissions, scope: [...permissions, ...parsed.restrictions].join(' '), market };
}
