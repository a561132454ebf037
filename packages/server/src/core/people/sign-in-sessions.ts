import type { Mode } from '../model/mode';
import type { SessionPerson } from '../model/session-person';
import type { Clock } from '../ports/clock';
import type { PeopleDirectory } from '../ports/people-directory';
import type { Random } from '../ports/random';
import type { SessionStore } from '../ports/session-store';

/** How long a sign-in lasts without signing in again. */
export const SESSION_SECONDS = 8 * 3600;

export interface SignInSessionsDeps {
  readonly store: SessionStore;
  readonly hash: (value: string) => string;
  readonly random: Random;
  readonly clock: Clock;
  readonly people: Pick<PeopleDirectory, 'findUser' | 'findCustomer'>;
}

/**
 * The sessions of the sign-in pages (SPEC §3), kept server side so that they can end: at sign-out
 * (`end`), and when the person's password changes or they are deleted (the provisioning write ends
 * them in its transaction, and a session whose person is gone never resumes). The cookie carries a
 * 256-bit random id; storage holds only its keyed hash.
 */
export function signInSessions(deps: SignInSessionsDeps) {
  return {
    /** A new session for `person`; returns the id to put in the cookie. */
    async start(person: SessionPerson): Promise<string> {
      const id = deps.random.bytes(32).toString('base64url');
      const now = deps.clock.now();
      await deps.store.create(deps.hash(id), { person, createdAt: now, expiresAt: now + SESSION_SECONDS * 1000 });
      return id;
    },

    /**
     * The person of a live session, if it is the kind asked for: staff, or a shopper of this store and
     * mode (signing in to one store signs you in nowhere else).
     */
    async resume(
      id: string,
      wanted: { readonly type: 'user' } | { readonly type: 'customer'; readonly storeId: string; readonly mode: Mode },
    ) {
      const session = await deps.store.find(deps.hash(id));
      if (!session || session.expiresAt <= deps.clock.now()) return undefined;
      const { person } = session;
      if (person.type === 'user') {
        if (wanted.type !== 'user') return undefined;
        return (await deps.people.findUser(person.id)) ? person : undefined;
      }
      if (wanted.type !== 'customer' || person.storeId !== wanted.storeId || person.mode !== wanted.mode) return undefined;
      return (await deps.people.findCustomer(person.storeId, person.mode, person.id)) ? person : undefined;
    },

    /** Sign-out: the session is gone for good, whoever holds a copy of the cookie. */
    async end(id: string): Promise<void> {
      await deps.store.delete(deps.hash(id));
    },
  };
}

export type SignInSessions = ReturnType<typeof signInSessions>;
