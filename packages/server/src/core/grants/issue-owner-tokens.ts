import type { AuditActor } from '../model/audit-actor';
import type { OAuthClient } from '../model/client';
import type { Grant } from '../model/grant';
import type { Owner } from '../model/owner';
import type { ResolvedScope } from '../scopes/resolve-scope';
import { newId } from '../secrets/random-alphanumeric';
import { accessTokenLifetime } from '../tokens/token-lifetime';
import { grantKinds } from './grant-kinds';
import type { GrantServices } from './grant-services';
import { type TokenResponse, tokenResponse } from './token-response';

const REFRESH_TOKEN_LIFETIME_MS = 14 * 24 * 3600 * 1000;

/** A new opaque refresh token: 256 random bits; only its keyed hash is stored (SPEC §1). */
/** What issuing a person's tokens touches. */
export type OwnerTokenDeps = Pick<
  GrantServices,
  'issuer' | 'clock' | 'random' | 'grants' | 'hasher' | 'accessTokens' | 'grantMaxAgeSeconds'
>;

export function newRefreshToken(services: Pick<GrantServices, 'random' | 'hasher'>, now: number, grantExpiresAt: number) {
  const value = services.random.bytes(32).toString('base64url');
  return {
    value,
    record: {
      id: newId(services.random),
      tokenHash: services.hasher.hash(value),
      issuedAt: now,
      // SPEC §3: 14 days from its own issue, and never past the grant's maximum age.
      expiresAt: Math.min(now + REFRESH_TOKEN_LIFETIME_MS, grantExpiresAt),
    },
  };
}

/** A new live grant: it lasts COUNTERSIGN_GRANT_MAX_AGE at most (SPEC §3). */
export function newGrant(
  client: OAuthClient,
  owner: Owner,
  storeIds: readonly string[],
  scope: string,
  services: Pick<GrantServices, 'random' | 'grantMaxAgeSeconds'>,
  now: number,
): Grant {
  return {
    id: newId(services.random),
    clientId: client.clientId,
    clientRecordId: client.id,
    clientKind: client.kind,
    mode: client.mode,
    owner,
    storeIds,
    scope,
    createdAt: now,
    expiresAt: now + services.grantMaxAgeSeconds * 1000,
    revokedAt: null,
  };
}

/** Whether this kind of client gets refresh tokens at all (SPEC §3: only kinds that may use the grant). */
export const mayRefresh = (client: OAuthClient): boolean => grantKinds.refresh_token.includes(client.kind);

/** The access token for a person, under `grant`, as the token endpoint answers it. */
export async function ownerAccessToken(
  client: OAuthClient,
  owner: Owner,
  resolved: ResolvedScope,
  grantId: string | undefined,
  services: Pick<GrantServices, 'issuer' | 'accessTokens'>,
  extra: { customClaim?: Record<string, unknown>; stores?: readonly { id: string; slug: string }[] } = {},
): Promise<TokenResponse> {
  const store = client.store ?? undefined;
  const issued = await services.accessTokens.issue(
    {
      issuer: services.issuer,
      client,
      mode: client.mode,
      scope: resolved.scope,
      store,
      market: resolved.market,
      stores: extra.stores,
      owner,
      grantId,
      customClaim: extra.customClaim,
    },
    accessTokenLifetime(client.kind, client.expiresIn),
  );
  return {
    ...tokenResponse(issued, resolved.scope),
    owner_id: owner.id,
    owner_type: owner.type,
  };
}

/**
 * A new grant for a person through a store credential, with its first refresh token when the kind
 * may refresh (password, JWT bearer; the authorization code has its own path), and the access token.
 */
export async function issueOwnerTokens(
  client: OAuthClient,
  owner: Owner,
  resolved: ResolvedScope,
  services: OwnerTokenDeps,
  /** Who authorized the grant, for its audit entry: the person signing in, or the client asserting for them. */
  actor: AuditActor,
  extra: { customClaim?: Record<string, unknown> } = {},
): Promise<TokenResponse> {
  if (!mayRefresh(client)) return ownerAccessToken(client, owner, resolved, undefined, services, extra);
  const now = services.clock.now();
  const grant = newGrant(client, owner, client.store ? [client.store.id] : [], resolved.scope, services, now);
  const refresh = newRefreshToken(services, now, grant.expiresAt);
  const response = await ownerAccessToken(client, owner, resolved, grant.id, services, extra);
  await services.grants.create(grant, refresh.record, actor);
  return { ...response, refresh_token: refresh.value };
}
