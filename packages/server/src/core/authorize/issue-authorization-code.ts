import type { AuthorizationRequest } from './authorization-request';
import type { AuthorizeServices } from './authorize-services';
import type { ConsentSubject } from './consent-subject';
import { redirectUrl } from './redirect-url';

/**
 * Approval (SPEC §3): a code of 256 random bits, stored as a keyed hash, valid COUNTERSIGN_CODE_TTL
 * seconds, bound to the client, redirect URI, PKCE challenge, scope, stores and person; the answer is
 * the redirect with `code`, `state` and `iss` (RFC 9207).
 */
export async function issueAuthorizationCode(
  request: AuthorizationRequest,
  subject: ConsentSubject,
  services: AuthorizeServices,
): Promise<string> {
  const code = services.random.bytes(32).toString('base64url');
  const now = services.clock.now();
  await services.codes.save(services.hasher.hash(code), {
    clientId: request.client.clientId,
    redirectUri: request.redirectUri,
    redirectUriSent: request.redirectUriSent,
    codeChallenge: request.codeChallenge,
    scope: subject.scope,
    storeIds: subject.stores.map((s) => s.id),
    owner: subject.owner,
    createdAt: now,
    expiresAt: now + services.codeTtlSeconds * 1000,
    usedAt: null,
    grantId: null,
  });
  return redirectUrl(request.redirectUri, { code, state: request.state, iss: services.issuer });
}
