import { InvalidScopeError } from '../errors/oauth-errors';
import type { OAuthClient } from '../model/client';
import type { MarketDirectory } from '../ports/market-directory';
import { type ParsedScope, parseScope } from '../scopes/parse-scope';
import { resolveScope } from '../scopes/resolve-scope';

/**
 * Step 5: the requested scope, as far as it can be judged before anyone signs in: known permission
 * scopes the client may hold (default: all of them); for apps no restriction scopes (they span
 * stores); for sales channels a market that exists, is active, in the store and mode. Whether a
 * private market admits the shopper is checked again after sign-in.
 */
export async function checkScope(client: OAuthClient, scope: string | undefined, markets: MarketDirectory): Promise<ParsedScope> {
  const parsed = parseScope(scope);
  const unheld = parsed.permissions.filter((p) => !client.scopes.includes(p));
  if (unheld.length > 0) throw new InvalidScopeError(`The application may not ask for: ${unheld.join(' ')}`);
  if (!client.store) {
    if (parsed.restrictions.length > 0) throw new InvalidScopeError('An app spans stores: market and stock location scopes do not apply');
    return parsed;
  }
  await resolveScope(
    parsed,
    {
      storeId: client.store.id,
      mode: client.mode,
      allowed: client.scopes,
      marketRequired: client.kind === 'sales_channel',
      shopperGroupId: undefined,
    },
    markets,
  );
  return parsed;
}
