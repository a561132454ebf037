import { InvalidGrantError, InvalidRequestError, UnauthorizedClientError } from '../errors';
import type { OAuthClient } from '../ports';
import { failedAttemptKeys } from '../rate-limit/failed-attempt-keys';
import { parseScope } from '../scopes/parse-scope';
import { resolveScope } from '../scopes/resolve-scope';
import { checkPassword } from '../secrets/password-hasher';
import type { GrantServices } from './grant-services';
import { issueOwnerTokens } from './issue-owner-tokens';
import type { TokenRequestContext } from './token-request-context';
import type { TokenParams, TokenResponse } from './token-response';

/**
 * RFC 6749 §4.3 for sales channels: a shopper's email and password (SPEC §3). Failed sign-ins are
 * throttled per (account, address) and per address, checked before the password so a blocked caller
 * learns nothing; an unknown email is checked against a decoy hash so it costs what a wrong password
 * costs, and both answer the same `invalid_grant`.
 */
export async function passwordGrant(
  client: OAuthClient,
  params: TokenParams,
  services: GrantServices,
  context: TokenRequestContext,
): Promise<TokenResponse> {
  if (!client.passwordGrant) throw new UnauthorizedClientError('The password grant is turned off for this sales channel');
  const store = client.store;
  if (!store) throw new Error('password grant reached a client without a store');
  const email = params.username?.trim().toLowerCase();
  const password = params.password;
  if (!email || password === undefined || password === '') throw new InvalidRequestError('username and password are required');

  const throttleKeys = failedAttemptKeys('password', `${store.id}:${client.mode}:${email}`, context.clientAddress());
  await services.failedAttempts.check(throttleKeys);

  const customer = await services.people.findCustomerByEmail(store.id, client.mode, email);
  if (!customer || !(await checkPassword(password, customer.passwordHash))) {
    await services.failedAttempts.recordFailure(throttleKeys);
    throw new InvalidGrantError('The email or password is wrong');
  }

  const resolved = await resolveScope(
    parseScope(params.scope),
    { storeId: store.id, mode: client.mode, allowed: client.scopes, marketRequired: true, shopperGroupId: customer.customerGroupId },
    services.markets,
  );
  return issueOwnerTokens(client, { type: 'customer', id: customer.id }, resolved, services);
}
