import { AccessDeniedError, InvalidScopeError } from '../errors';
import type { Owner } from '../grants/grant-store';
import { scopesForRole } from '../grants/role-scopes';
import { resolveScope } from '../scopes/resolve-scope';
import { AuthorizationPageError } from './authorization-page-error';
import type { AuthorizationRequest } from './authorization-request';
import type { AuthorizeServices } from './authorize-services';
import type { StoreSummary } from './store-directory';

/** What a signed-in person would grant: the scope string and, for apps, the stores. */
export interface ConsentSubject {
  readonly owner: Owner;
  readonly scope: string;
  readonly permissions: readonly string[];
  readonly stores: readonly StoreSummary[];
}

/**
 * What the signed-in person may grant this client, by SPEC §2:
 * - a shopper (sales channel): the requested scope, private markets only for their group;
 * - staff through a webapp: members of its store, members holding only the `*.view` scopes;
 * - staff through an app: the requested permissions, on stores where they are owner or admin
 *   (`chosenStoreIds` at approval, re-checked here; all such stores when showing the page).
 */
export async function consentSubject(
  request: AuthorizationRequest,
  owner: Owner,
  services: AuthorizeServices,
  chosenStoreIds?: readonly string[],
): Promise<ConsentSubject> {
  const { client, scope } = request;
  const requested = scope.permissions.length > 0 ? scope.permissions : client.scopes;
  if (client.kind === 'app') {
    const managed = await services.stores.storesManagedBy(owner.id);
    if (managed.length === 0) throw new AccessDeniedError('You are not an owner or admin of any store');
    let stores = managed;
    if (chosenStoreIds !== undefined) {
      const unknown = chosenStoreIds.filter((id) => !managed.some((s) => s.id === id));
      if (unknown.length > 0)
        throw new AuthorizationPageError('Store not yours to grant', 'A chosen store is not one where you are owner or admin.');
      stores = managed.filter((s) => chosenStoreIds.includes(s.id));
      if (stores.length === 0) throw new AuthorizationPageError('No store chosen', 'Choose at least one store to grant the app.');
    }
    return { owner, scope: requested.join(' '), permissions: requested, stores };
  }

  const store = client.store;
  if (!store) throw new Error('a credential without a store');
  const storeSummary = (await services.stores.findStores([store.id]))[0] ?? { ...store, name: store.slug };
  if (owner.type === 'customer') {
    const customer = await services.people.findCustomer(store.id, client.mode, owner.id);
    if (!customer) throw new AccessDeniedError('The shopper is not a customer of this store');
    const resolved = await resolveScope(
      scope,
      { storeId: store.id, mode: client.mode, allowed: client.scopes, marketRequired: true, shopperGroupId: customer.customerGroupId },
      services.markets,
    );
    return { owner, scope: resolved.scope, permissions: resolved.permissions, stores: [storeSummary] };
  }
  const role = await services.people.findRole(store.id, owner.id);
  if (!role) throw new AccessDeniedError('You are not a member of the store this application belongs to');
  const held = scopesForRole(client.scopes, role);
  const permissions = requested.filter((p) => held.includes(p));
  if (requested.length > 0 && permissions.length === 0) throw new InvalidScopeError('Your role holds none of the requested permissions');
  const resolved = await resolveScope(
    { ...scope, permissions },
    { storeId: store.id, mode: client.mode, allowed: held, marketRequired: false, shopperGroupId: undefined },
    services.markets,
  );
  return { owner, scope: resolved.scope, permissions: resolved.permissions, stores: [storeSummary] };
}
