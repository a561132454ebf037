import type { JWTPayload } from 'jose';
import type { OAuthClient } from '../model/client';
import { tokenStoreIds } from './token-store-ids';

/** Who asks `POST /oauth/introspect`: an authenticated confidential client, or the bootstrap admin token. */
export type IntrospectionCaller = { readonly kind: 'client'; readonly client: OAuthClient } | { readonly kind: 'admin' };

/** The catalog scope that makes a store credential a resource server for introspection (SPEC §2). */
export const INTROSPECT_SCOPE = 'tokens.introspect';

/**
 * Which tokens a caller may see at the introspection endpoint. RFC 7662 §2.1 leaves it to the server
 * to decide which protected resources may ask about which tokens; SPEC §3 decides:
 * - a client sees its own tokens, of its own mode;
 * - a store credential holding `tokens.introspect` sees every token of its store and mode, whoever
 *   it was issued to (a resource server checking the tokens presented to it). An app has no store of
 *   its own, so the scope widens nothing for an app;
 * - the admin token sees every token.
 * Anything else is answered `{active: false}`, as if the token did not exist (RFC 7662 §2.2).
 */
export function mayIntrospect(
  caller: IntrospectionCaller,
  token: { readonly clientId: string; readonly mode: 'test' | 'live'; readonly storeIds: readonly string[] },
): boolean {
  if (caller.kind === 'admin') return true;
  const { client } = caller;
  if (token.mode !== client.mode) return false;
  if (token.clientId === client.clientId) return true;
  return client.store !== null && client.scopes.includes(INTROSPECT_SCOPE) && token.storeIds.includes(client.store.id);
}

/** What `mayIntrospect` reads from a verified access token or API key. */
export function introspectedJwt(claims: JWTPayload): { clientId: string; mode: 'test' | 'live'; storeIds: string[] } {
  return {
    clientId: typeof claims.client_id === 'string' ? claims.client_id : '',
    mode: claims.test === true ? 'test' : 'live',
    storeIds: tokenStoreIds(claims),
  };
}
