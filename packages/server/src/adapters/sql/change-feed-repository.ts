import { type Kysely, sql } from 'kysely';
import type { ChangeFeed, ChangeFeedPage } from '../../core/ports/change-feed';
import { noticeExpiry, type RevocationNotice } from '../../core/revocation-notice';
import type { Database } from './database-schema';
import type { Dialect } from './dialect';
import { toIso } from './iso-time';

/** A cursor is the decimal `seq` of the last notice read; `0` is before the first. */
const CURSOR = /^(0|[1-9][0-9]{0,15})$/;

/** Whether `since` is a cursor this feed hands out (the HTTP layer refuses anything else with a 400). */
export const isChangeFeedCursor = (since: string): boolean => CURSOR.test(since);

/**
 * The change feed in the `change_feed` table (migration 0006). On PostgreSQL each append takes an
 * exclusive lock on the table for its short transaction, so that `seq` values become visible in
 * order: without it a reader could see seq 11 committed before seq 10 and move its cursor past 10
 * for ever. Readers are not blocked by it. SQLite has one writer at a time anyway.
 */
export function changeFeedRepository(db: Kysely<Database>, dialect: Dialect): ChangeFeed {
  return {
    async append(notice: RevocationNotice, at: number) {
      const expiry = noticeExpiry(notice);
      const row = {
        type: notice.type,
        subject: notice.id,
        seconds: notice.type === 'jti' ? notice.exp : notice.type === 'client' ? notice.before : null,
        created_at: toIso(at),
        expires_at: expiry === null ? null : toIso(expiry * 1000),
      };
      await db.transaction().execute(async (tx) => {
        if (dialect === 'postgres') await sql`lock table change_feed in share row exclusive mode`.execute(tx);
        await tx.insertInto('change_feed').values(row).execute();
      });
    },

    async after(since: string | null, now: number, limit: number): Promise<ChangeFeedPage> {
      const from = since === null ? 0 : Number(since);
      const rows = await db
        .selectFrom('change_feed')
        .select(['seq', 'type', 'subject', 'seconds'])
        .where('seq', '>', from)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', toIso(now))]))
        .orderBy('seq')
        .limit(limit + 1)
        .execute();
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const last = page.at(-1);
      // Notices past their expiry are not served; an empty page hands back the caller's cursor.
      const cursor = last ? String(last.seq) : String(from);
      return { notices: page.map(toNotice), cursor, more };
    },
  };
}

function toNotice(row: { type: string; subject: string; seconds: number | string | null }): RevocationNotice {
  const seconds = Number(row.seconds);
  if (row.type === 'jti') return { type: 'jti', id: row.subject, exp: seconds };
  if (row.type === 'client') return { type: 'client', id: row.subject, before: seconds };
  if (row.type === 'key') return { type: 'key', id: row.subject };
  return { type: 'grant', id: row.subject };
}
