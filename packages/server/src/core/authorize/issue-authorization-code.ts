import type { Clock } from '../ports/clock';
import type { CodeStore } from '../ports/code-store';
import type { Random } from '../ports/random';
import type { AuthorizationRequest } from './authorization-request';
import type { ConsentSubject } from './consent-subject';

export interface IssueCodeDeps {
  readonly random: Random;
  readonly clock: Clock;
  readonly codes: Pick<CodeStore, 'save'>;
  readonly hash: (value: string) => string;
  readonly codeTtlSeconds: number;
}

/**
 * Approval (SPEC §3): a code of 256 random bits, stored as a keyed hash, valid COUNTERSIGN_CODE_TTL
 * seconds, bound to the client, redirect URI, PKCE challenge, scope, stores and person. Returns the
 * code, which the HTTP layer sends back with `state` and `iss` (RFC 9207).
 */
export async function issueAuthorizationCode(request: AuthorizationRequest, subject: ConsentSubject, deps: IssueCodeDeps): Promise<string> {
  const code = deps.random.bytes(32).toString('base64url');
  const now = deps.clock.now();
  await deps.codes.save(deps.hash(code), {
    clientId: request.client.clientId,
    redirectUri: request.redirectUri,
    redirectUriSent: request.redirectUriSent,
    codeChallenge: request.codeChallenge,
    scope: subject.scope,
    storeIds: subject.stores.map((s) => s.id),
    owner: subject.owner,
    createdAt: now,
    expiresAt: now + deps.codeTtlSeconds * 1000,
    usedAt: null,
    grantId: null,
  });
  return code;
}
