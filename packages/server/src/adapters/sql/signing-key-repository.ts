import type { ExpressionBuilder, Kysely } from 'kysely';
import { RecordConflictError } from '../../core/errors/record-errors';
import type { SigningKeyStore, StoredSigningKey } from '../../core/ports/signing-key-store';
import type { Database, SigningKeyRow } from './database-schema';
import { isUniqueViolation } from './dialect';
import { revokeGrantsWhere } from './grant-repository';
import { fromIso, toIso } from './iso-time';

const toRow = (k: StoredSigningKey): SigningKeyRow => ({
  kid: k.kid,
  alg: k.alg,
  status: k.status,
  public_jwk: JSON.stringify(k.publicJwk),
  private_jwk_encrypted: k.privateJwkEncrypted,
  created_at: toIso(k.createdAt),
  activated_at: k.activatedAt === null ? null : toIso(k.activatedAt),
  retired_at: k.retiredAt === null ? null : toIso(k.retiredAt),
  publish_until: k.publishUntil === null ? null : toIso(k.publishUntil),
});

const fromRow = (r: SigningKeyRow): StoredSigningKey => ({
  kid: r.kid,
  alg: r.alg,
  status: r.status,
  publicJwk: JSON.parse(r.public_jwk),
  privateJwkEncrypted: r.private_jwk_encrypted,
  createdAt: fromIso(r.created_at),
  activatedAt: r.activated_at === null ? null : fromIso(r.activated_at),
  retiredAt: r.retired_at === null ? null : fromIso(r.retired_at),
  publishUntil: r.publish_until === null ? null : fromIso(r.publish_until),
});

/** SPEC §4: a retired key stays published while an unrevoked API key names its kid. */
const namedByLiveApiKey = (eb: ExpressionBuilder<Database, 'signing_keys'>) =>
  eb.exists(
    eb
      .selectFrom('grants')
      .select('grants.id')
      .whereRef('grants.api_key_kid', '=', 'signing_keys.kid')
      .where('grants.revoked_at', 'is', null),
  );

export function signingKeyRepository(db: Kysely<Database>): SigningKeyStore {
  return {
    async listPublishable(now) {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where((eb) => eb.or([eb('status', '!=', 'retired'), eb('publish_until', '>', toIso(now)), namedByLiveApiKey(eb)]))
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(fromRow);
    },

    async insert(key) {
      try {
        await db.insertInto('signing_keys').values(toRow(key)).execute();
        return true;
      } catch (error) {
        // The partial unique index allows one `current` and one `next`: another instance won.
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    async replaceNext(replacement) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('signing_keys').where('status', '=', 'next').execute();
        await trx.insertInto('signing_keys').values(toRow(replacement)).execute();
      });
    },

    async rotate({ expectedCurrentKid, newNext, retiredPublishUntil, now, actor }, inTransaction) {
      await db.transaction().execute(async (trx) => {
        if (expectedCurrentKid !== null) {
          const retired =
            retiredPublishUntil === null
              ? await trx
                  .deleteFrom('signing_keys')
                  .where('kid', '=', expectedCurrentKid)
                  .where('status', '=', 'current')
                  .executeTakeFirst()
              : await trx
                  .updateTable('signing_keys')
                  .set({ status: 'retired', retired_at: toIso(now), publish_until: toIso(retiredPublishUntil) })
                  .where('kid', '=', expectedCurrentKid)
                  .where('status', '=', 'current')
                  .executeTakeFirst();
          const affected = 'numDeletedRows' in retired ? retired.numDeletedRows : retired.numUpdatedRows;
          if (affected !== 1n) throw new RecordConflictError('the signing keys were rotated meanwhile; try again');
        }
        await inTransaction({ revokeGrants: (selector, revocation) => revokeGrantsWhere(trx, selector, revocation) });
        await trx
          .updateTable('signing_keys')
          .set({ status: 'current', activated_at: toIso(now) })
          .where('status', '=', 'next')
          .execute();
        await trx.insertInto('signing_keys').values(toRow(newNext)).execute();
        // Retired keys past their publish_until are of no use to anyone any more, unless a live API
        // key names them (API keys have no exp: the key stays until the grant is revoked).
        await trx
          .deleteFrom('signing_keys')
          .where('status', '=', 'retired')
          .where('publish_until', '<=', toIso(now))
          .where((eb) => eb.not(namedByLiveApiKey(eb)))
          .execute();
        await trx
          .insertInto('audit_entries')
          .values({
            store_id: null,
            actor,
            action: retiredPublishUntil === null ? 'signing_key.rotate_compromised' : 'signing_key.rotate',
            target_type: 'signing_key',
            target_id: newNext.kid,
            details: JSON.stringify({ retired: expectedCurrentKid, next: newNext.kid }),
            at: toIso(now),
            mode: null,
          })
          .execute();
      });
    },
  };
}
