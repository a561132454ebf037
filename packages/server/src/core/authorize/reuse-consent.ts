import type { Clock } from '../ports/clock';
import type { GrantStore } from '../ports/grant-store';
import type { AuthorizationRequest } from './authorization-request';
import type { ConsentSubject } from './consent-subject';

/**
 * SPEC §3: consent may be skipped for a confidential client the person already approved with the
 * same scope and stores (a live grant says so), never for a public one: a public client's id is no
 * proof of who is asking (RFC 9700 §2.4). Returns what to approve again without asking, narrowed to
 * the stores of that earlier approval the person still manages, or `undefined` to ask.
 */
export async function reusableConsent(
  request: AuthorizationRequest,
  subject: ConsentSubject,
  deps: { readonly grants: Pick<GrantStore, 'liveGrantStoreSets'>; readonly clock: Clock },
): Promise<ConsentSubject | undefined> {
  if (!request.client.confidential) return undefined;
  const managed = subject.stores.map((s) => s.id);
  if (managed.length === 0) return undefined;
  // One earlier approval is enough; the store filters it, and the rule below still decides.
  const previous = await deps.grants.liveGrantStoreSets(request.client.clientId, subject.owner, subject.scope, deps.clock.now(), {
    within: managed,
    limit: 1,
  });
  const reusable = previous.find((set) => set.length > 0 && set.every((id) => managed.includes(id)));
  return reusable && { ...subject, stores: subject.stores.filter((s) => reusable.includes(s.id)) };
}
