import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { TemporarilyUnavailableError } from '../../core/errors/temporarily-unavailable-error';
import { openStorage, type Storage } from './open-storage';
import { type SqliteWrite, sqliteWriteTransaction } from './sqlite-write-transaction';

const entry = (action: string) => ({
  store_id: 'st_1',
  mode: 'test' as const,
  actor: 'system',
  action,
  target_type: 'store',
  target_id: 'st_1',
  details: '{}',
  at: '2026-01-01T00:00:00.000Z',
});

/** A work that notes that it ran and inserts an audit entry named after it. */
const inserting = (ran: string[], action: string) => (write: SqliteWrite) => {
  ran.push(action);
  write.insert('audit_entries', [entry(action)]);
};

describe('sqliteWriteTransaction', () => {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-sqlite-write-'));
  let storage: Storage;

  before(async () => {
    storage = await openStorage({ sqlitePath: join(dir, 'write.sqlite') });
  });
  after(async () => {
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const actions = async () =>
    (await sql<{ action: string }>`select action from audit_entries order by id`.execute(storage.db)).rows.map((r) => r.action);
  const clear = () => sql`delete from audit_entries`.execute(storage.db);

  test('commits its statements together and returns what the work returns', async () => {
    await clear();
    const result = await sqliteWriteTransaction(storage.db, (write) => {
      write.insert('audit_entries', [entry('a'), entry('b')]);
      const changed = write.run(`update audit_entries set details = ? where action = ?`, ['{"x":1}', 'a']);
      const row = write.first<{ action: string }>(`update audit_entries set details = ? where action = ? returning action`, ['{}', 'b']);
      assert.equal(write.first(`select action from audit_entries where action = ?`, ['none']), undefined);
      return { changed, row };
    });
    assert.deepEqual(result, { changed: 1, row: { action: 'b' } });
    assert.deepEqual(await actions(), ['a', 'b']);
  });

  test('works asked for in the same turn commit together, in order, each rolled back alone when it throws', async () => {
    await clear();
    const ran: string[] = [];
    const results = await Promise.allSettled([
      sqliteWriteTransaction(storage.db, inserting(ran, 'a')),
      sqliteWriteTransaction(storage.db, (write) => {
        inserting(ran, 'b')(write);
        throw new Error('b failed');
      }),
      sqliteWriteTransaction(storage.db, (write) => {
        ran.push('c');
        // Sees the first work's row (not yet committed: the same transaction), not the second's.
        const seen = write.first<{ n: number }>(`select count(*) as n from audit_entries`, [])?.n;
        write.insert('audit_entries', [entry('c')]);
        return seen;
      }),
    ]);
    assert.deepEqual(ran, ['a', 'b', 'c']);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [undefined, 'b failed', 1],
    );
    assert.deepEqual(await actions(), ['a', 'c']);
  });

  test('a promise settles once its work is committed: another connection sees the row', async () => {
    await clear();
    await sqliteWriteTransaction(storage.db, (write) => write.insert('audit_entries', [entry('durable')]));
    const other = new SqliteDatabase(join(dir, 'write.sqlite'), { readonly: true });
    try {
      assert.deepEqual(other.prepare('select action from audit_entries').all(), [{ action: 'durable' }]);
    } finally {
      other.close();
    }
  });

  test('when SQLite ends the transaction in the middle, no work of the batch is kept or runs on its own', async () => {
    await clear();
    const ran: string[] = [];
    const results = await Promise.allSettled([
      sqliteWriteTransaction(storage.db, inserting(ran, 'a')),
      // What SQLite does by itself on some errors (a full disk, an I/O error): the whole transaction rolled back.
      sqliteWriteTransaction(storage.db, (write) => {
        ran.push('b');
        write.run('rollback', []);
      }),
      sqliteWriteTransaction(storage.db, inserting(ran, 'c')),
    ]);
    assert.deepEqual(ran, ['a', 'b']);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected', 'rejected'],
    );
    // Every caller is told why: the error of the work during which SQLite ended the transaction.
    const reason = (results[0] as PromiseRejectedResult).reason as Error;
    assert.match(reason.message, /rolled the write transaction back/);
    assert.ok(reason.cause instanceof Error, 'the cause is the error SQLite gave, not a wrapper');
    assert.deepEqual(await actions(), []);
    await sqliteWriteTransaction(storage.db, (write) => write.insert('audit_entries', [entry('next')]));
    assert.deepEqual(await actions(), ['next']);
  });

  test('an exception in the work rolls every statement back and is rethrown', async () => {
    await clear();
    await assert.rejects(
      sqliteWriteTransaction(storage.db, (write) => {
        write.insert('audit_entries', [entry('a')]);
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.deepEqual(await actions(), []);
  });

  test('work that returns a promise is refused and rolled back', async () => {
    await clear();
    await assert.rejects(
      sqliteWriteTransaction(storage.db, async (write) => {
        write.insert('audit_entries', [entry('a')]);
      }),
      /must be synchronous/,
    );
    assert.deepEqual(await actions(), []);
  });

  test('waits for a Kysely transaction open on the same connection instead of writing inside it', async () => {
    await clear();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const kysely = storage.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('audit_entries').values(entry('kysely')).execute();
        entered();
        await gate;
        throw new Error('roll back');
      })
      .catch((error: Error) => error.message);
    await inside;
    let written = false;
    const sync = sqliteWriteTransaction(storage.db, (write) => {
      write.insert('audit_entries', [entry('sync')]);
      written = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(written, false, 'the synchronous transaction ran while the Kysely transaction held the connection');
    release();
    assert.equal(await kysely, 'roll back');
    await sync;
    // Kysely's rollback took its own insert only: the other transaction's row was not in it.
    assert.deepEqual(await actions(), ['sync']);
  });

  test('another connection holding the write lock past busy_timeout is TemporarilyUnavailableError, nothing written', async () => {
    await clear();
    await sql`pragma busy_timeout = 50`.execute(storage.db);
    const other = new SqliteDatabase(join(dir, 'write.sqlite'));
    try {
      other.prepare('begin immediate').run();
      const blocked = await Promise.allSettled([
        sqliteWriteTransaction(storage.db, (write) => write.insert('audit_entries', [entry('blocked')])),
        sqliteWriteTransaction(storage.db, (write) => write.insert('audit_entries', [entry('blocked too')])),
      ]);
      for (const result of blocked) {
        assert.equal(result.status, 'rejected');
        assert.ok((result as PromiseRejectedResult).reason instanceof TemporarilyUnavailableError);
      }
      other.prepare('rollback').run();
      await sqliteWriteTransaction(storage.db, (write) => write.insert('audit_entries', [entry('after')]));
      assert.deepEqual(await actions(), ['after']);
    } finally {
      other.close();
      await sql`pragma busy_timeout = 5000`.execute(storage.db);
    }
  });

  test('refuses a handle it was not attached to', async () => {
    const { Kysely, SqliteDialect } = await import('kysely');
    const db = new Kysely<never>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
    try {
      await assert.rejects(
        sqliteWriteTransaction(db as never, () => undefined),
        /needs a SQLite storage opened by openStorage/,
      );
    } finally {
      await db.destroy();
    }
  });
});
