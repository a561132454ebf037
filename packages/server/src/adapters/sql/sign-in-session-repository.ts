import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Owner } from '../../core/model/owner';
import type { SessionPerson } from '../../core/model/session-person';
import type { SessionStore, StoredSession } from '../../core/ports/session-store';
import { batchedPerTurn } from './batched-per-turn';
import type { Database } from './database-schema';
import { isPostgres } from './dialect';
import { fromIso, toIso } from './iso-time';

/** Sign-in sessions at rest (migrations/0005): one row per session, by the hash of its id. */
export function signInSessionRepository(db: Kysely<Database>): SessionStore {
  const postgres = isPostgres(db);
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

    find: postgres
      ? batchedPerTurn((hashes: readonly string[]) => findSessions(db, hashes))
      : async (idHash) => toSession(await findOne(db, idHash)),

    async delete(idHash) {
      await db.deleteFrom('sign_in_sessions').where('id_hash', '=', idHash).execute();
    },
  };
}

type SessionRow = Selectable<Database['sign_in_sessions']>;

function findOne(db: Kysely<Database>, idHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sign_in_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

/**
 * The sessions looked up on PostgreSQL during one turn of the event loop, in one statement (ADR 0035):
 * every authorization request resumes one, and the statement's cost is mostly its round trip.
 */
async function findSessions(db: Kysely<Database>, hashes: readonly string[]): Promise<PromiseSettledResult<StoredSession | undefined>[]> {
  const fulfilled = (row: SessionRow | undefined) => ({ status: 'fulfilled' as const, value: toSession(row) });
  if (hashes.length === 1) return [fulfilled(await findOne(db, hashes[0] as string))];
  const rows = (await sql<SessionRow>`select * from sign_in_sessions where id_hash = any(${hashes}::text[])`.execute(db)).rows;
  const byHash = new Map(rows.map((row) => [row.id_hash, row]));
  return hashes.map((hash) => fulfilled(byHash.get(hash)));
}

function toSession(row: SessionRow | undefined): StoredSession | undefined {
  if (!row) return undefined;
  const person: SessionPerson =
    row.person_type === 'user'
      ? { type: 'user', id: row.person_id }
      : { type: 'customer', id: row.person_id, storeId: row.store_id ?? '', mode: row.mode ?? 'test' };
  return { person, createdAt: fromIso(row.created_at), expiresAt: fromIso(row.expires_at) };
}

/** Ends every session of a person, inside the caller's transaction (a password change, a deletion). */
export async function endSessionsOf(trx: Transaction<Database>, person: Owner): Promise<void> {
  await trx.deleteFrom('sign_in_sessions').where('person_type', '=', person.type).where('person_id', '=', person.id).execute();
}

/** Deletes expired sessions (the sweep). */
export async function sweepSessions(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('sign_in_sessions').where('expires_at', '<=', toIso(now)).execute();
}
