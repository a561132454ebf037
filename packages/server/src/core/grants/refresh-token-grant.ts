import { CountersignError } from '../errors/countersign-error';
import { InvalidGrantError, InvalidRequestError, InvalidScopeError } from '../errors/oauth-errors';
import { clientActor } from '../model/audit-actor';
import type { OAuthClient } from '../model/client';
import type { Grant } from '../model/grant';
import type { Owner } from '../model/owner';
import { ownerScopeContext } from '../people/owner-scope-context';
import type { StoredRefreshToken } from '../ports/grant-store';
import { type ParsedScope, parseScope } from '../scopes/parse-scope';
import { type ResolvedScope, resolveScope } from '../scopes/resolve-scope';
import type { GrantServices } from './grant-services';
import type { OwnerTokenDeps } from './issue-owner-tokens';
import { newRefreshToken, ownerAccessToken } from './issue-owner-tokens';
import { revokeGrant } from './revoke-grant';
import type { TokenParams, TokenResponse } from './token-response';

const invalid = () => new InvalidGrantError('The refresh token is invalid, expired or revoked');

/** What the refresh_token grant touches. */
export type RefreshTokenDeps = OwnerTokenDeps &
  Pick<GrantServices, 'changes' | 'encryptor' | 'markets' | 'people' | 'refreshGraceSeconds' | 'stores'>;

/**
 * RFC 6749 §6 with the rotation and reuse detection of RFC 9700 §4.14.2 (SPEC §3):
 * - the token is bound to its client; another client's token is `invalid_grant` and changes nothing;
 * - every use rotates it, in one statement that only one caller can win;
 * - presenting a rotated token again revokes the whole grant — unless the grace window is on, the
 *   token is the immediate predecessor, and the window has not passed: then the same pair comes back;
 * - every SPEC §2 rule is checked again; a failure is `invalid_grant` and revokes the grant;
 * - a requested scope may narrow the grant's scope for this access token, never widen it.
 */
export async function refreshTokenGrant(client: OAuthClient, params: TokenParams, services: RefreshTokenDeps): Promise<TokenResponse> {
  const presented = params.refresh_token;
  if (!presented) throw new InvalidRequestError('refresh_token is required');
  const now = services.clock.now();
  // Possibly this instance's copy (ADR 0034): rotate() below decides in storage, and a lost
  // rotation reads the token again from storage before anything is answered.
  const token = await services.grants.findRefreshTokenToRotate(services.hasher.hash(presented));
  if (!token || token.clientId !== client.clientId) throw invalid();
  const { grant } = token;
  if (grant.revokedAt !== null || grant.expiresAt <= now || token.expiresAt <= now) throw invalid();
  if (token.usedAt !== null) return replayedToken(token, services, now);

  const owner = grant.owner;
  if (!owner) throw invalid();
  const { resolved, stores } =
    client.kind === 'app'
      ? await appSubject(grant, owner, params.scope, services, now)
      : await credentialSubject(client, grant, owner, params.scope, services, now);

  const next = newRefreshToken(services, now, grant.expiresAt);
  const response: TokenResponse = {
    ...(await ownerAccessToken(client, owner, resolved, grant.id, services, stores ? { stores } : {})),
    refresh_token: next.value,
  };
  const grace = services.refreshGraceSeconds;
  const outcome = await services.grants.rotate({
    oldId: token.id,
    grantId: grant.id,
    now,
    next: next.record,
    successorCipher: grace > 0 ? services.encryptor.encrypt(JSON.stringify(response), token.id) : null,
    graceUntil: grace > 0 ? now + grace * 1000 : null,
  });
  if (outcome === 'rotated') return response;
  if (outcome === 'grant_inactive') throw invalid();
  // Another request used the token first: a replay by this one, unless the grace window covers it.
  const after = await services.grants.findRefreshToken(services.hasher.hash(presented));
  if (!after) throw invalid();
  return replayedToken(after, services, now);
}

/** A failed SPEC §2 re-check: the grant is revoked and the refresh refused. */
async function ruleFailed(grantId: string, reason: string, services: RefreshTokenDeps, now: number): Promise<never> {
  await revokeGrant(services.grants, services.changes, grantId, { reason: 'rule_failed_on_refresh', actor: 'system', at: now });
  throw new InvalidGrantError(`The grant no longer holds: ${reason}`);
}

/**
 * A store credential's grant: a market disabled since, a customer who left the group, a role lost
 * fail the refresh (SPEC §2). Then the requested scope may narrow the grant's; its market and stock
 * location stay.
 */
async function credentialSubject(
  client: OAuthClient,
  grant: Grant,
  owner: Owner,
  requested: string | undefined,
  services: RefreshTokenDeps,
  now: number,
) {
  let granted: ParsedScope;
  let context: Awaited<ReturnType<typeof ownerScopeContext>>;
  let stillGranted: ResolvedScope;
  try {
    granted = parseScope(grant.scope);
    context = await ownerScopeContext(client, owner, services.people);
    stillGranted = await resolveScope(granted, context, services.markets);
  } catch (error) {
    if (!(error instanceof CountersignError)) throw error;
    return ruleFailed(grant.id, error.description, services, now);
  }
  const resolved = await resolveScope(narrowedScope(granted, requested), { ...context, allowed: granted.permissions }, services.markets);
  const grantedMarket = stillGranted.market;
  if (grantedMarket && resolved.market?.id !== grantedMarket.id) throw new InvalidScopeError('The requested market is not the granted one');
  if (granted.stockLocation && resolved.market?.stockLocationIds.join() !== grantedMarket?.stockLocationIds.join()) {
    throw new InvalidScopeError('The requested stock location is not the granted one');
  }
  return { resolved, stores: undefined };
}

/** An app's grant: the stores the user still manages (none left fails it); permissions may narrow. */
async function appSubject(grant: Grant, owner: Owner, requested: string | undefined, services: RefreshTokenDeps, now: number) {
  const managed = await services.stores.storesManagedBy(owner.id);
  const stores = managed.filter((s) => grant.storeIds.includes(s.id));
  if (stores.length === 0) return ruleFailed(grant.id, 'the user manages none of the granted stores', services, now);
  const granted = parseScope(grant.scope);
  const asked = parseScope(requested);
  if (asked.restrictions.length > 0) throw new InvalidScopeError('An app spans stores: market and stock location scopes do not apply');
  const unheld = asked.permissions.filter((p) => !granted.permissions.includes(p));
  if (unheld.length > 0) throw new InvalidScopeError(`Not granted: ${unheld.join(' ')}`);
  const permissions = asked.permissions.length > 0 ? asked.permissions : granted.permissions;
  const resolved: ResolvedScope = { permissions, scope: permissions.join(' '), market: undefined };
  return { resolved, stores };
}

/** A used token presented again: the kept pair within the grace window, otherwise the grant dies. */
async function replayedToken(token: StoredRefreshToken, services: RefreshTokenDeps, now: number): Promise<TokenResponse> {
  if (
    services.refreshGraceSeconds > 0 &&
    token.successorCipher !== null &&
    token.graceUntil !== null &&
    token.graceUntil > now &&
    token.successorUnused
  ) {
    return JSON.parse(services.encryptor.decrypt(token.successorCipher, token.id)) as TokenResponse;
  }
  // RFC 9700 §4.14.2: a rotated token presented again means it leaked; the whole grant dies.
  await revokeGrant(services.grants, services.changes, token.grantId, {
    reason: 'refresh_token_reuse',
    actor: clientActor(token.clientId),
    at: now,
  });
  throw invalid();
}

/**
 * RFC 6749 §6: an omitted scope means the grant's scope. A requested one names permissions out of the
 * grant's (checked by the caller against `allowed`) and may add or repeat restriction entries; the
 * grant's own restrictions stay unless the request names its own.
 */
function narrowedScope(granted: ParsedScope, requested: string | undefined): ParsedScope {
  if (requested === undefined || requested.trim() === '') return granted;
  const asked = parseScope(requested);
  const market = asked.market ?? granted.market;
  const stockLocation = asked.stockLocation ?? granted.stockLocation;
  return {
    permissions: asked.permissions.length > 0 ? asked.permissions : granted.permissions,
    market,
    stockLocation,
    restrictions: [
      ...(market ? [`market:${market.by}:${market.value}`] : []),
      ...(stockLocation ? [`stock_location:${stockLocation.by}:${stockLocation.value}`] : []),
    ],
  };
}
