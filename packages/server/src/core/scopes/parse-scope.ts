import { InvalidScopeError } from '../errors/oauth-errors';
import type { RecordRef } from '../model/market';
import { isPermissionScope } from './permission-catalog';

export interface ParsedScope {
  /** Permission scopes named in the request, deduplicated, in request order. */
  readonly permissions: readonly string[];
  readonly market: RecordRef | undefined;
  readonly stockLocation: RecordRef | undefined;
  /** The restriction entries exactly as requested (they go into the token's scope string as they are). */
  readonly restrictions: readonly string[];
}

const RESTRICTION = /^(market|stock_location):(id|code):([A-Za-z0-9_-]{1,64})$/;
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Splits a `scope` parameter into permission scopes and restriction scopes (SPEC §2). An unknown
 * entry, a malformed restriction, or a second market or stock location is `invalid_scope`.
 */
export function parseScope(scope: string | undefined): ParsedScope {
  const permissions: string[] = [];
  const restrictions: string[] = [];
  let market: RecordRef | undefined;
  let stockLocation: RecordRef | undefined;
  for (const entry of (scope ?? '').split(' ')) {
    if (entry === '') continue;
    if (!SCOPE_TOKEN.test(entry)) throw new InvalidScopeError('The scope contains characters RFC 6749 §3.3 does not allow');
    const restriction = RESTRICTION.exec(entry);
    if (restriction) {
      const ref: RecordRef = { by: restriction[2] as RecordRef['by'], value: restriction[3] as string };
      if (restriction[1] === 'market') {
        if (market) throw new InvalidScopeError('At most one market may be in scope');
        market = ref;
      } else {
        if (stockLocation) throw new InvalidScopeError('At most one stock location may be in scope');
        stockLocation = ref;
      }
      restrictions.push(entry);
    } else if (isPermissionScope(entry)) {
      if (!permissions.includes(entry)) permissions.push(entry);
    } else {
      throw new InvalidScopeError(`Unknown scope: ${entry}`);
    }
  }
  return { permissions, market, stockLocation, restrictions };
}
