import { createLocalJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import { InvalidGrantError, InvalidRequestError, UnauthorizedClientError } from '../errors/oauth-errors';
import { clientActor } from '../model/audit-actor';
import type { ClientKind, OAuthClient } from '../model/client';
import type { Owner } from '../model/owner';
import { ownerScopeContext } from '../people/owner-scope-context';
import { parseScope } from '../scopes/parse-scope';
import { resolveScope } from '../scopes/resolve-scope';
import type { GrantServices } from './grant-services';
import type { OwnerTokenDeps } from './issue-owner-tokens';
import { issueOwnerTokens } from './issue-owner-tokens';
import type { TokenParams, TokenResponse } from './token-response';

/** Asymmetric algorithms only: an HMAC assertion would need a shared secret, and `none` no key at all. */
const ASYMMETRIC = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];
const MAX_AHEAD_SECONDS = 300;
/** RFC 7523 §3: an `iat` in the future is tolerated only as far as clocks can reasonably drift. */
const MAX_CLOCK_SKEW_SECONDS = 60;
const MAX_CUSTOM_CLAIM_BYTES = 4096;

/** SPEC §3: which kinds may act for which kind of owner. */
const ownerKinds: Record<Owner['type'], readonly ClientKind[]> = {
  customer: ['sales_channel', 'integration'],
  user: ['webapp', 'integration'],
};

/** What the JWT bearer grant touches. */
export type JwtBearerDeps = OwnerTokenDeps & Pick<GrantServices, 'markets' | 'people'>;

/**
 * RFC 7523 §2.1 as SPEC §3 defines it: only for a credential with a registered `jwks`; the assertion
 * is signed by one of those keys, `iss` is the client id, `aud` the issuer or the token endpoint,
 * `exp` at most 300 s ahead, `jti` used once, `sub` the owner — a customer of the credential's store
 * and mode, or a member of its store — and an optional `custom_claim` copied into the token.
 */
export async function jwtBearerGrant(client: OAuthClient, params: TokenParams, services: JwtBearerDeps): Promise<TokenResponse> {
  if (!client.jwks) throw new UnauthorizedClientError('The JWT bearer grant needs a credential with a registered jwks');
  const assertion = params.assertion;
  if (!assertion) throw new InvalidRequestError('assertion is required');

  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(assertion).alg;
  } catch {
    throw new InvalidGrantError('The assertion is not a JWT');
  }
  if (!alg || !ASYMMETRIC.includes(alg)) throw new InvalidGrantError('The assertion must be signed with an asymmetric algorithm');

  const now = services.clock.now();
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(assertion, createLocalJWKSet(client.jwks as never), {
      algorithms: ASYMMETRIC,
      issuer: client.clientId,
      audience: [services.issuer, `${services.issuer}/oauth/token`],
      requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      currentDate: new Date(now),
    }));
  } catch {
    throw new InvalidGrantError('The assertion is invalid: signature, issuer, audience or lifetime');
  }
  const exp = claims.exp as number;
  if (exp > Math.floor(now / 1000) + MAX_AHEAD_SECONDS)
    throw new InvalidGrantError(`The assertion's exp is more than ${MAX_AHEAD_SECONDS} s ahead`);
  // An assertion dated in the future could be minted ahead and kept for later (RFC 7523 §3, item 6).
  if ((claims.iat as number) > Math.floor(now / 1000) + MAX_CLOCK_SKEW_SECONDS) {
    throw new InvalidGrantError(`The assertion's iat is more than ${MAX_CLOCK_SKEW_SECONDS} s in the future`);
  }

  const ownerType = claims.owner_type;
  if (ownerType !== 'customer' && ownerType !== 'user') throw new InvalidGrantError('owner_type must be "customer" or "user"');
  if (!ownerKinds[ownerType].includes(client.kind))
    throw new InvalidGrantError(`A ${client.kind.replace('_', ' ')} cannot act for a ${ownerType}`);

  const customClaim = claims.custom_claim;
  if (customClaim !== undefined) {
    if (typeof customClaim !== 'object' || customClaim === null || Array.isArray(customClaim)) {
      throw new InvalidGrantError('custom_claim must be a JSON object');
    }
    if (Buffer.byteLength(JSON.stringify(customClaim)) > MAX_CUSTOM_CLAIM_BYTES) {
      throw new InvalidGrantError(`custom_claim is larger than ${MAX_CUSTOM_CLAIM_BYTES} bytes`);
    }
  }

  // Single use, remembered until the assertion could no longer be accepted anyway.
  if (!(await services.grants.rememberAssertion(client.clientId, claims.jti as string, exp * 1000))) {
    throw new InvalidGrantError('The assertion was already used');
  }

  const owner: Owner = { type: ownerType, id: claims.sub as string };
  const context = await ownerScopeContext(client, owner, services.people);
  const resolved = await resolveScope(parseScope(params.scope), context, services.markets);
  return issueOwnerTokens(
    client,
    owner,
    resolved,
    services,
    clientActor(client.clientId),
    customClaim ? { customClaim: customClaim as Record<string, unknown> } : {},
  );
}
