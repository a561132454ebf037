import type { Kysely, Transaction } from 'kysely';
import type { Owner } from '../../core/model/owner';
import type { SessionPerson } from '../../core/model/session-person';
import type { SessionStore } from '../../core/ports/session-store';
import type { Database } from './database-schema';
import { fromIso, toIso } from './iso-time';

/** Sign-in sessions at rest (migrations/0005): one row per session, by the hash of its id. */
export function signInSessionRepository(db: Kysely<Database>): SessionStore {
  return {
    async create(idHash, session) {
      const { person } = session;
      await db
        .insertInto('sign_in_sessions')
        .values({
          id_hash: idHash,
          person_type: person.type,
          person_id: person.id,
          store_id: person.type === 'customer' ? person.storeId : null,
          mode: person.type === 'customer' ? person.mode : null,
          created_at: toIso(session.createdAt),
          expires_at: toIso(session.expiresAt),
        })
        .execute();
    },

    async find(idHash) {
      const row = await db.selectFrom('sign_in_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      if (!row) return undefined;
      const person: SessionPerson =
        row.person_type === 'user'
          ? { type: 'user', id: row.person_id }
          : { type: 'customer', id: row.person_id, storeId: row.store_id ?? '', mode: row.mode ?? 'test' };
      return { person, createdAt: fromIso(row.created_at), expiresAt: fromIso(row.expires_at) };
    },

    async delete(idHash) {
      await db.deleteFrom('sign_in_sessions').where('id_hash', '=', idHash).execute();
    },
  };
}

/** Ends every session of a person, inside the caller's transaction (a password change, a deletion). */
export async function endSessionsOf(trx: Transaction<Database>, person: Owner): Promise<void> {
  await trx.deleteFrom('sign_in_sessions').where('person_type', '=', person.type).where('person_id', '=', person.id).execute();
}

/** Deletes expired sessions (the sweep). */
export async function sweepSessions(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('sign_in_sessions').where('expires_at', '<=', toIso(now)).execute();
}
