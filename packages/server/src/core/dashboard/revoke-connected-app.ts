import { RecordNotFoundError } from '../errors/record-errors';
import { revokeGrants } from '../grants/revoke-grant';
import { personActor } from '../model/audit-actor';
import type { ChangePublisher } from '../ports/change-publisher';
import type { ClientDirectory } from '../ports/client-directory';
import type { Clock } from '../ports/clock';
import type { GrantRevoker } from '../ports/grant-revoker';

export interface RevokeConnectedAppDeps {
  readonly grants: GrantRevoker;
  readonly changes: ChangePublisher;
  readonly clients: ClientDirectory;
  readonly clock: Clock;
}

/**
 * SPEC §1, §7: a person takes back everything they gave an app. Every live grant of that app that the
 * person gave is revoked in one statement, through the one path by which grants are revoked
 * (core/grants/revoke-grant.ts): stored with the reason `user_revoked`, audited in each store's log,
 * and published on the change channel, so that the grants' API keys, access tokens and refresh tokens
 * fail at once at every verifier (token-liveness.ts). Grants other people gave the app are untouched.
 *
 * Returns how many grants it revoked (0 when there was nothing left to revoke).
 * @throws RecordNotFoundError when no app has this client id
 */
export async function revokeConnectedApp(userId: string, clientId: string, deps: RevokeConnectedAppDeps): Promise<number> {
  const client = await deps.clients.findByClientId(clientId);
  if (client?.kind !== 'app') throw new RecordNotFoundError('app', clientId);
  const owner = { type: 'user', id: userId } as const;
  const revoked = await revokeGrants(
    deps.grants,
    deps.changes,
    { clientId, owner },
    { reason: 'user_revoked', actor: personActor(owner), at: deps.clock.now() },
  );
  return revoked.length;
}
