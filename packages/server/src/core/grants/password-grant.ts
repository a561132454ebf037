import { InvalidGrantError, InvalidRequestError, UnauthorizedClientError } from '../errors/oauth-errors';
import { personActor } from '../model/audit-actor';
import type { OAuthClient } from '../model/client';
import type { Customer } from '../model/customer';
import { SignInFailedError, signIn } from '../people/sign-in';
import { parseScope } from '../scopes/parse-scope';
import { resolveScope } from '../scopes/resolve-scope';
import type { GrantServices } from './grant-services';
import type { OwnerTokenDeps } from './issue-owner-tokens';
import { issueOwnerTokens } from './issue-owner-tokens';
import type { TokenRequestContext } from './token-request-context';
import type { TokenParams, TokenResponse } from './token-response';

/** What the password grant touches. */
export type PasswordGrantDeps = OwnerTokenDeps & Pick<GrantServices, 'markets' | 'people' | 'failedAttempts'>;

/**
 * RFC 6749 §4.3 for sales channels: a shopper's email and password (SPEC §3), checked by the one
 * sign-in of core/people/sign-in.ts (throttle and decoy included); a wrong email and a wrong password
 * answer the same `invalid_grant`.
 */
export async function passwordGrant(
  client: OAuthClient,
  params: TokenParams,
  services: PasswordGrantDeps,
  context: TokenRequestContext,
): Promise<TokenResponse> {
  if (!client.passwordGrant) throw new UnauthorizedClientError('The password grant is turned off for this sales channel');
  const store = client.store;
  if (!store) throw new Error('password grant reached a client without a store');
  const email = params.username?.trim();
  const password = params.password;
  if (!email || password === undefined || password === '') throw new InvalidRequestError('username and password are required');

  let customer: Customer;
  try {
    const signedIn = await signIn(
      { audience: 'shopper', storeId: store.id, mode: client.mode, email, password, addressKey: context.clientAddress() },
      services,
    );
    if (signedIn.type !== 'customer') throw new SignInFailedError();
    customer = signedIn.customer;
  } catch (error) {
    if (error instanceof SignInFailedError) throw new InvalidGrantError(error.message);
    throw error;
  }

  const resolved = await resolveScope(
    parseScope(params.scope),
    { storeId: store.id, mode: client.mode, allowed: client.scopes, marketRequired: true, shopperGroupId: customer.customerGroupId },
    services.markets,
  );
  const owner = { type: 'customer', id: customer.id } as const;
  return issueOwnerTokens(client, owner, resolved, services, personActor(owner));
}
