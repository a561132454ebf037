import { createHash } from 'node:crypto';
import { clientActor, personActor } from '../model/audit-actor';
import type { OAuthClient } from '../model/client';
import type { Grant } from '../model/grant';
import type { StoreSummary } from '../model/store-summary';
import { ownerScopeContext } from '../people/owner-scope-context';
import type { ScopeContext } from '../scopes/resolve-scope';
import type { GrantServices } from './grant-services';
import { mayRefresh, newGrant, newRefreshToken } from './issue-owner-tokens';
import { revokeGrant } from './revoke-grant';

/** Why a code was refused: `expired` is told apart only by the app exchange (SPEC §3). */
export class CodeRedemptionError extends Error {
  constructor(
    readonly kind: 'invalid' | 'expired',
    detail: string,
  ) {
    super(detail);
    this.name = 'CodeRedemptionError';
  }
}

// RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export interface Redeemed {
  readonly grant: Grant;
  readonly stores: readonly StoreSummary[];
  readonly refreshToken: string | undefined;
  /** A store credential's: the person's scope context as read for the entitlement check. */
  readonly context: ScopeContext | undefined;
}

/** What redeeming a code touches. */
export type RedeemCodeDeps = Pick<
  GrantServices,
  'clock' | 'hasher' | 'codes' | 'grants' | 'changes' | 'people' | 'stores' | 'random' | 'grantMaxAgeSeconds'
>;

/**
 * Redeems an authorization code for `client` (RFC 6749 §4.1.3, RFC 7636 §4.6): the code must be
 * known, the client's, unused, matched by the PKCE verifier (and no verifier without a challenge),
 * the redirect URI repeated when it was sent, unexpired, and the person still entitled. A second use
 * revokes the grant of the first (RFC 6749 §4.1.2), so every token issued from it dies — also when
 * the second use loses a race to the first.
 */
export async function redeemCode(
  client: OAuthClient,
  code: string,
  proof: { verifier: string | undefined; redirectUri?: string | undefined; checkRedirectUri: boolean },
  services: RedeemCodeDeps,
  apiKeyKid?: string,
): Promise<Redeemed> {
  const now = services.clock.now();
  const codeHash = services.hasher.hash(code);
  const stored = await services.codes.find(codeHash);
  if (!stored || stored.clientId !== client.clientId) throw new CodeRedemptionError('invalid', 'The code is unknown');
  if (stored.usedAt !== null) return replayed(stored.grantId, client.clientId, services, now);
  if (stored.codeChallenge !== null) {
    if (!proof.verifier || !VERIFIER.test(proof.verifier)) throw new CodeRedemptionError('invalid', 'A valid code_verifier is required');
    const computed = createHash('sha256').update(proof.verifier, 'ascii').digest('base64url');
    if (computed !== stored.codeChallenge) throw new CodeRedemptionError('invalid', 'The code_verifier does not match the challenge');
  } else if (proof.verifier !== undefined) {
    // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is a downgrade attempt.
    throw new CodeRedemptionError('invalid', 'The code was issued without a code_challenge');
  }
  if (proof.checkRedirectUri && (stored.redirectUriSent || proof.redirectUri !== undefined) && proof.redirectUri !== stored.redirectUri) {
    throw new CodeRedemptionError('invalid', 'redirect_uri does not match the authorization request');
  }
  if (stored.expiresAt <= now) throw new CodeRedemptionError('expired', 'The code has expired');

  let stores: readonly StoreSummary[];
  let context: ScopeContext | undefined;
  if (client.kind === 'app') {
    const managed = await services.stores.storesManagedBy(stored.owner.id);
    stores = managed.filter((s) => stored.storeIds.includes(s.id));
    if (stores.length === 0) throw new CodeRedemptionError('invalid', 'The user no longer manages any of the chosen stores');
  } else {
    try {
      context = await ownerScopeContext(client, stored.owner, services.people);
    } catch {
      throw new CodeRedemptionError('invalid', 'The person who authorized is no longer entitled');
    }
    stores = await services.stores.findStores(stored.storeIds);
  }

  const grant = newGrant(
    client,
    stored.owner,
    stores.map((s) => s.id),
    stored.scope,
    services,
    now,
  );
  // An API key (the app exchange) is the grant's only credential: no refresh token beside it.
  const refresh = apiKeyKid === undefined && mayRefresh(client) ? newRefreshToken(services, now, grant.expiresAt) : undefined;
  // The person who consented authorized the grant (SPEC §5 audit log).
  const outcome = await services.codes.redeem(codeHash, now, grant, refresh?.record ?? null, personActor(stored.owner), apiKeyKid);
  if (outcome === 'already_used') return replayed((await services.codes.find(codeHash))?.grantId ?? null, client.clientId, services, now);
  return { grant, stores, refreshToken: refresh?.value, context };
}

async function replayed(grantId: string | null, clientId: string, services: RedeemCodeDeps, now: number): Promise<never> {
  // RFC 6749 §4.1.2: every token issued from the first use dies.
  if (grantId !== null) {
    await revokeGrant(services.grants, services.changes, grantId, { reason: 'code_replay', actor: clientActor(clientId), at: now });
  }
  throw new CodeRedemptionError('invalid', 'The code was already used');
}
