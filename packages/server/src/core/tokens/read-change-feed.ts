import { InvalidClientError, UnauthorizedClientError } from '../errors/oauth-errors';
import type { ChangeFeed, ChangeFeedPage } from '../ports/change-feed';
import type { Clock } from '../ports/clock';
import { INTROSPECT_SCOPE, type IntrospectionCaller } from './introspection-caller';

/** The most notices one answer carries; `more` tells the caller to ask again at once. */
export const CHANGE_FEED_PAGE = 1000;

/**
 * `GET /oauth/changes` (SPEC §4): the revocation notices after a cursor, for resource servers that
 * have no Redis. Readers are the ones who may already ask about any token of a store: a confidential
 * store credential holding `tokens.introspect`, and the admin token. The feed carries only opaque
 * identifiers (grant ids, jtis, client record ids), never a token or a secret, and is not split by
 * store (docs/adr/0014).
 */
export async function readChangeFeed(
  caller: IntrospectionCaller,
  since: string | null,
  services: { readonly feed: ChangeFeed; readonly clock: Clock },
): Promise<ChangeFeedPage> {
  if (caller.kind === 'client') {
    if (!caller.client.confidential) throw new InvalidClientError('The change feed is for confidential clients');
    if (caller.client.store === null || !caller.client.scopes.includes(INTROSPECT_SCOPE)) {
      throw new UnauthorizedClientError(`Reading the change feed needs a store credential holding ${INTROSPECT_SCOPE}`, 403);
    }
  }
  return services.feed.after(since, services.clock.now(), CHANGE_FEED_PAGE);
}
