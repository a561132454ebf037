import type { Insertable, Kysely } from 'kysely';
import type { CodeStore } from '../../core/ports/code-store';
import { batchedPerTurn, eachOnItsOwn } from './batched-per-turn';
import type { Database } from './database-schema';
import { isPostgres, isRefusedStatement } from './dialect';
import { fromIso, toIso } from './iso-time';
import { redeemAuthorizationCode } from './redeem-authorization-code';
import { sqliteWriteTransaction } from './sqlite-write-transaction';

const KEEP_EXPIRED_MS = 24 * 3600 * 1000;

type CodeRow = Insertable<Database['authorization_codes']>;

const insertOne = (db: Kysely<Database>) => async (row: CodeRow) => {
  await db.insertInto('authorization_codes').values(row).execute();
};

/**
 * The codes issued on PostgreSQL during one turn of the event loop, inserted by one statement and
 * committed together (ADR 0035). If PostgreSQL refuses that statement, nothing of it was written, and
 * each code is inserted again on its own, so that one code's failure is its own caller's alone; a lost
 * connection is every caller's answer.
 */
async function insertCodes(db: Kysely<Database>, rows: readonly CodeRow[]): Promise<PromiseSettledResult<void>[]> {
  if (rows.length > 1) {
    try {
      await db
        .insertInto('authorization_codes')
        .values([...rows])
        .execute();
      return rows.map(() => ({ status: 'fulfilled', value: undefined }));
    } catch (error) {
      if (!isRefusedStatement(error)) throw error;
    }
  }
  return eachOnItsOwn(rows, insertOne(db));
}

export function codeRepository(db: Kysely<Database>): CodeStore {
  const postgres = isPostgres(db);
  const insertCode = postgres ? batchedPerTurn((rows: readonly CodeRow[]) => insertCodes(db, rows)) : undefined;
  return {
    async save(codeHash, code) {
      const row: CodeRow = {
        code_hash: codeHash,
        client_id: code.clientId,
        redirect_uri: code.redirectUri,
        redirect_uri_sent: code.redirectUriSent ? 1 : 0,
        code_challenge: code.codeChallenge,
        scope: code.scope,
        store_ids: JSON.stringify(code.storeIds),
        owner_type: code.owner.type,
        owner_id: code.owner.id,
        created_at: toIso(code.createdAt),
        expires_at: toIso(code.expiresAt),
        used_at: null,
        grant_id: null,
      };
      // SQLite: one synchronous write, without Kysely building the insert anew each time (ADR 0032).
      if (insertCode) await insertCode(row);
      else await sqliteWriteTransaction(db, (write) => write.insert('authorization_codes', [row]));
    },

    async find(codeHash) {
      const row = await db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      if (!row) return undefined;
      return {
        clientId: row.client_id,
        redirectUri: row.redirect_uri,
        redirectUriSent: row.redirect_uri_sent === 1,
        codeChallenge: row.code_challenge,
        scope: row.scope,
        storeIds: JSON.parse(row.store_ids),
        owner: { type: row.owner_type, id: row.owner_id },
        createdAt: fromIso(row.created_at),
        expiresAt: fromIso(row.expires_at),
        usedAt: row.used_at === null ? null : fromIso(row.used_at),
        grantId: row.grant_id,
      };
    },

    redeem(codeHash, now, grant, refresh, actor, apiKeyKid) {
      return redeemAuthorizationCode(db, { codeHash, now, grant, refresh, actor, apiKeyKid }, postgres);
    },

    async sweep(now) {
      await db
        .deleteFrom('authorization_codes')
        .where('expires_at', '<=', toIso(now - KEEP_EXPIRED_MS))
        .execute();
    },
  };
}
