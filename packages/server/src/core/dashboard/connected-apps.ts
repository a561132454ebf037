import type { StoreSummary } from '../model/store-summary';
import type { ClientDirectory } from '../ports/client-directory';
import type { PeopleDirectory } from '../ports/people-directory';
import type { GrantRecord } from '../ports/provisioning-store';
import type { StoreDirectory } from '../ports/store-directory';
import { describePermissions, type PermissionDescription } from '../scopes/describe-permissions';

/** One app a person has authorized, as the dashboard shows it (SPEC §7 connected apps). */
export interface ConnectedApp {
  readonly clientId: string;
  readonly name: string;
  readonly homepage: string | null;
  /** The developer who registered it. */
  readonly developer: string | null;
  /** Every store the app may reach through the person's live grants, by name. */
  readonly stores: readonly StoreSummary[];
  readonly permissions: readonly PermissionDescription[];
  /** ISO-8601: the first of the live authorizations. */
  readonly authorizedAt: string;
  /** ISO-8601: the latest. */
  readonly lastAuthorizedAt: string;
}

export interface ConnectedAppsDeps {
  /** The person's grants, through the provisioning service (a person sees only their own). */
  listGrants(userId: string): Promise<GrantRecord[]>;
  readonly clients: ClientDirectory;
  readonly stores: Pick<StoreDirectory, 'findStores'>;
  readonly people: Pick<PeopleDirectory, 'findUser'>;
}

/**
 * SPEC §7: every third-party app the person has authorized and that can still act: its live grants
 * (not revoked; an app's API key outlives the grant's refresh horizon, SPEC §4, so expiry does not
 * end it), grouped by app, with the union of their stores and permissions. Oldest first.
 */
export async function connectedApps(userId: string, deps: ConnectedAppsDeps): Promise<ConnectedApp[]> {
  const live = (await deps.listGrants(userId)).filter((g) => g.client_kind === 'app' && g.revoked_at === null);
  const byClient = new Map<string, GrantRecord[]>();
  for (const grant of live) byClient.set(grant.client_id, [...(byClient.get(grant.client_id) ?? []), grant]);

  const apps: ConnectedApp[] = [];
  for (const [clientId, grants] of byClient) {
    const client = await deps.clients.findByClientId(clientId);
    if (client === undefined) continue; // deleted meanwhile: its grants are revoked with it
    const storeIds = [...new Set(grants.flatMap((g) => g.store_ids))];
    const scopes = [...new Set(grants.flatMap((g) => g.scope.split(' ').filter((s) => s !== '')))];
    const created = grants.map((g) => g.created_at).sort();
    const developer = client.ownerUserId === null ? undefined : await deps.people.findUser(client.ownerUserId);
    apps.push({
      clientId,
      name: client.name,
      homepage: client.appProfile?.homepage ?? null,
      developer: developer?.name ?? null,
      stores: await deps.stores.findStores(storeIds),
      permissions: describePermissions(scopes),
      authorizedAt: created[0] as string,
      lastAuthorizedAt: created[created.length - 1] as string,
    });
  }
  return apps.sort((a, b) => a.authorizedAt.localeCompare(b.authorizedAt));
}
