import { AuthorizationPageError } from '../errors/authorization-page-error';
import { NoStoreChosenError } from '../errors/no-store-chosen-error';
import { AccessDeniedError } from '../errors/oauth-errors';
import type { Owner } from '../model/owner';
import type { StoreSummary } from '../model/store-summary';
import { ownerScopeContext } from '../people/owner-scope-context';
import type { MarketDirectory } from '../ports/market-directory';
import type { PeopleDirectory } from '../ports/people-directory';
import type { StoreDirectory } from '../ports/store-directory';
import { resolveScope } from '../scopes/resolve-scope';
import type { AuthorizationRequest } from './authorization-request';

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
 * - staff through a webapp: members of its store, members holding only the `*.view` scopes; a
 *   requested permission the person does not hold is `invalid_scope` (never silently dropped);
 * - staff through an app: the requested permissions, on stores where they are owner or admin
 *   (`chosenStoreIds` at approval, re-checked here; all such stores when showing the page).
 */
export async function consentSubject(
  request: AuthorizationRequest,
  owner: Owner,
  services: { readonly stores: StoreDirectory; readonly people: PeopleDirectory; readonly markets: MarketDirectory },
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
      if (stores.length === 0) throw new NoStoreChosenError();
    }
    return { owner, scope: requested.join(' '), permissions: requested, stores };
  }

  const store = client.store;
  if (!store) throw new Error('a credential without a store');
  const storeSummary = (await services.stores.findStores([store.id]))[0] ?? { ...store, name: store.slug };
  // The same context and the same scope rule as every grant that acts for a person (JWT bearer,
  // refresh): RFC 6749 §3.3 lets a server narrow a scope only where the token response says so, and
  // the authorization response cannot; so a permission the person does not hold is refused, not dropped.
  let context: Awaited<ReturnType<typeof ownerScopeContext>>;
  try {
    context = await ownerScopeContext(client, owner, services.people);
  } catch {
    throw new AccessDeniedError(
      owner.type === 'customer'
        ? 'The shopper is not a customer of this store'
        : 'You are not a member of the store this application belongs to',
    );
  }
  const resolved = await resolveScope(scope, context, services.markets);
  return { owner, scope: resolved.scope, permissions: resolved.permissions, stores: [storeSummary] };
}
