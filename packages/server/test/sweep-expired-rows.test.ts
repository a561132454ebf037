import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { toIso } from '../src/adapters/sql/iso-time';
import { sweepExpiredRows } from '../src/adapters/sql/sweep-expired-rows';
import { EXPIRED_CODE_KEPT_MS, sweepCutoffs } from '../src/core/retention/sweep-cutoffs';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';
import { testDialects } from './support/test-storage';

const HOUR = 3600_000;

for (const dialect of await testDialects()) {
  describe(`the sweep of rows that grow with traffic (${dialect})`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof shopWorld>>;
    before(async () => {
      t = await startTestApp({ dialect });
      w = await shopWorld(t);
    });
    after(() => t.close());

    test('deletes what the rule lets go, in batches, and keeps everything still needed', async () => {
      const db = t.deps.storage.db;
      const now = t.clock.now();
      const code = (hash: string, expiresAt: number) => ({
        code_hash: hash,
        client_id: 'c',
        redirect_uri: 'https://app.example/cb',
        redirect_uri_sent: 0 as const,
        code_challenge: null,
        scope: 'stores.view',
        store_ids: '[]',
        owner_type: 'user' as const,
        owner_id: 'u',
        created_at: toIso(expiresAt - 60_000),
        expires_at: toIso(expiresAt),
        used_at: null,
        grant_id: null,
      });
      await db
        .insertInto('authorization_codes')
        .values([code('old', now - EXPIRED_CODE_KEPT_MS - HOUR), code('recent', now - HOUR), code('live', now + 60_000)])
        .execute();
      await db
        .insertInto('revoked_access_tokens')
        .values(
          Array.from({ length: 7 }, (_, i) => ({
            jti: `gone-${i}`,
            grant_id: null,
            expires_at: toIso(now - HOUR),
            revoked_at: toIso(now - 2 * HOUR),
          })),
        )
        .execute();
      await db
        .insertInto('revoked_access_tokens')
        .values({ jti: 'kept', grant_id: null, expires_at: toIso(now + HOUR), revoked_at: toIso(now) })
        .execute();
      await db
        .insertInto('used_assertions')
        .values([
          { client_id: 'c', jti: 'gone', expires_at: toIso(now - 1) },
          { client_id: 'c', jti: 'kept', expires_at: toIso(now + HOUR) },
        ])
        .execute();
      await db
        .insertInto('audit_entries')
        .values([
          {
            store_id: null,
            actor: 'test',
            action: 'old',
            target_type: 'x',
            target_id: 'x',
            details: '{}',
            at: toIso(now - 400 * 24 * HOUR),
            mode: null,
          },
          {
            store_id: null,
            actor: 'test',
            action: 'new',
            target_type: 'x',
            target_id: 'x',
            details: '{}',
            at: toIso(now - HOUR),
            mode: null,
          },
        ])
        .execute();
      await db
        .insertInto('change_feed')
        .values([
          {
            type: 'jti',
            subject: 'gone',
            seconds: Math.floor((now - HOUR) / 1000),
            created_at: toIso(now - 2 * HOUR),
            expires_at: toIso(now - HOUR),
          },
          { type: 'jti', subject: 'kept', seconds: Math.floor((now + HOUR) / 1000), created_at: toIso(now), expires_at: toIso(now + HOUR) },
          { type: 'grant', subject: 'for-ever', seconds: null, created_at: toIso(now - 2 * HOUR), expires_at: null },
        ])
        .execute();
      // Three refresh tokens of real grants: one expired, one rotated with a closed grace window, one live.
      for (let i = 0; i < 3; i++) await w.signIn();
      const tokens = await db.selectFrom('refresh_tokens').select('id').orderBy('id').execute();
      const [expired, rotated, live] = tokens.map((r) => r.id) as [string, string, string];
      await db
        .updateTable('refresh_tokens')
        .set({ expires_at: toIso(now - 1) })
        .where('id', '=', expired)
        .execute();
      await db
        .updateTable('refresh_tokens')
        .set({ used_at: toIso(now - HOUR), successor_cipher: 'sealed', grace_until: toIso(now - HOUR + 60_000) })
        .where('id', '=', rotated)
        .execute();

      const report = await sweepExpiredRows(db, dialect, sweepCutoffs(now, { auditRetentionDays: 365 }), { batchSize: 3 });
      assert.equal(report.outcome, 'swept');
      assert.deepEqual(report.rows, {
        authorization_codes: 1,
        revoked_access_tokens: 7,
        used_assertions: 1,
        grace_copies: 1,
        refresh_tokens: 1,
        sign_in_sessions: 0,
        change_feed: 1,
        audit_entries: 1,
      });
      // Seven denylist rows in batches of three take three statements (3, 3, 1); every other table one.
      assert.equal(report.batches, 3 + 7);
      assert.deepEqual(
        (await db.selectFrom('change_feed').select('subject').orderBy('seq').execute()).map((r) => r.subject),
        ['kept', 'for-ever'],
        'a notice goes once the token it names has expired; a grant or client notice never expires',
      );

      const codes = (await db.selectFrom('authorization_codes').select('code_hash').execute()).map((r) => r.code_hash).sort();
      assert.deepEqual(codes, ['live', 'recent'], 'an expired code is kept a day, to tell expired from unknown');
      assert.deepEqual(
        (await db.selectFrom('revoked_access_tokens').select('jti').execute()).map((r) => r.jti),
        ['kept'],
      );
      assert.deepEqual(
        (await db.selectFrom('used_assertions').select('jti').execute()).map((r) => r.jti),
        ['kept'],
      );
      assert.deepEqual(
        (await db.selectFrom('audit_entries').select('action').where('actor', '=', 'test').execute()).map((r) => r.action),
        ['new'],
      );
      const left = await db.selectFrom('refresh_tokens').select(['id', 'successor_cipher']).orderBy('id').execute();
      assert.deepEqual(
        left,
        [
          { id: rotated, successor_cipher: null },
          { id: live, successor_cipher: null },
        ],
        'the rotated token stays (a replay must still revoke its grant), its grace copy does not',
      );

      const off = await sweepExpiredRows(db, dialect, sweepCutoffs(now + 800 * 24 * HOUR, { auditRetentionDays: 0 }));
      assert.equal(off.rows.audit_entries, undefined, 'retention 0 keeps audit entries for ever');
      assert.ok((await db.selectFrom('audit_entries').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n > 0);
    });
  });
}
