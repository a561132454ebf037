import type { SessionPerson } from '../model/session-person';
export interface StoredSession {
  readonly person: SessionPerson;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** Sessions at rest, by the keyed hash of their id (the id itself lives only in the cookie). */
export interface SessionStore {
  create(idHash: string, session: StoredSession): Promise<void>;
  find(idHash: string): Promise<StoredSession | undefined>;
  delete(idHash: string): Promise<void>;
}
