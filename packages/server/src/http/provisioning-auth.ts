import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidTokenError } from '../core/errors/oauth-errors';
import type { ProvisioningActor, StoreActor } from '../core/provisioning/provisioning-actor';

export type { ProvisioningActor, StoreActor } from '../core/provisioning/provisioning-actor';

/**
 * Checks a bearer token that is not the admin token: the store, mode and client of a valid access
 * token with the `provisioning` permission scope, or `null` when the token is not one. It may throw
 * an CountersignError of its own (InsufficientScopeError for a valid token without `provisioning`).
 */
export type StoreTokenVerifier = (token: string) => Promise<StoreActor | null>;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Equal-length digests compared in constant time: neither the content nor the length of the admin token leaks. */
export function isAdminToken(token: string, adminToken: string): boolean {
  return timingSafeEqual(digest(token), digest(adminToken));
}

/**
 * Resolves an `Authorization` header to the actor of a provisioning request (SPEC §5): the bootstrap
 * admin token, or a store-bound token that `verifyStoreToken` accepts. Anything else is 401
 * `invalid_token` (RFC 6750 §3.1; the error mapper adds `WWW-Authenticate: Bearer ...`).
 */
export async function authenticateProvisioning(
  header: string | undefined,
  adminToken: string,
  verifyStoreToken?: StoreTokenVerifier,
): Promise<ProvisioningActor> {
  // RFC 6750 §2.1 (the scheme is case-insensitive, RFC 7235 §2.1).
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header ?? '');
  const token = match?.[1];
  if (token === undefined) throw new InvalidTokenError('A bearer token is required');
  if (isAdminToken(token, adminToken)) return { kind: 'admin' };
  const actor = verifyStoreToken ? await verifyStoreToken(token) : null;
  if (actor === null) throw new InvalidTokenError('The bearer token is not valid for the provisioning API');
  return actor;
}
