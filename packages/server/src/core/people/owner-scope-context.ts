import { InvalidGrantError } from '../errors/oauth-errors';
import type { OAuthClient } from '../model/client';
import type { Owner } from '../model/owner';
import type { PeopleDirectory } from '../ports/people-directory';
import type { ScopeContext } from '../scopes/resolve-scope';
import { scopesForRole } from './role-scopes';

/**
 * The scope rules' context for a token that acts for a person through a store credential: a customer
 * of the credential's store and mode (private markets need their group), or a member of its store
 * (the role decides the permission scopes). Throws `invalid_grant` when the person is not (or no
 * longer) there — the caller decides whether that also revokes a grant.
 */
export async function ownerScopeContext(client: OAuthClient, owner: Owner, people: PeopleDirectory): Promise<ScopeContext> {
  const store = client.store;
  if (!store) throw new InvalidGrantError('This client acts on no single store');
  if (owner.type === 'customer') {
    const customer = await people.findCustomer(store.id, client.mode, owner.id);
    if (!customer) throw new InvalidGrantError('The customer does not exist in this store and mode');
    return {
      storeId: store.id,
      mode: client.mode,
      allowed: client.scopes,
      marketRequired: client.kind === 'sales_channel',
      shopperGroupId: customer.customerGroupId,
    };
  }
  const role = await people.findRole(store.id, owner.id);
  if (!role) throw new InvalidGrantError('The user is not a member of this store');
  return {
    storeId: store.id,
    mode: client.mode,
    allowed: scopesForRole(client.scopes, role),
    marketRequired: false,
    shopperGroupId: undefined,
  };
}
