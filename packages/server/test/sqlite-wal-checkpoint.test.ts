import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { openStorage } from '../src/adapters/sql/open-storage';
import { startWalCheckpointer } from '../src/adapters/sql/wal-checkpointer';

/**
 * ADR 0030: a SQLite file's WAL is checkpointed by a thread of its own, so that no commit on the event
 * loop waits for the copy and the fsync; SQLite's in-line checkpoint stays as the safety net and comes
 * back in full when the thread stops.
 */
describe('SQLite WAL checkpoints off the event loop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-wal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function fileSizes(path: string) {
    const size = statSync(path).size;
    const wal = existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
    return { size, wal };
  }

  function fileWithTable(name: string) {
    const path = join(dir, name);
    const sqlite = new SqliteDatabase(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.exec('create table rows (id integer primary key, body text not null)');
    return { path, sqlite, insert: sqlite.prepare('insert into rows (body) values (?)') };
  }

  test('commits stay in the WAL until the thread copies them into the database file', async () => {
    const { path, sqlite, insert } = fileWithTable('background.sqlite');
    const checkpointer = startWalCheckpointer(sqlite, { intervalMs: 20 });
    try {
      // The in-line checkpoint waits for 4,000 frames: these commits write far fewer.
      assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 4000);
      await sleep(100);
      const before = fileSizes(path).size;
      for (let i = 0; i < 200; i++) insert.run('x'.repeat(2000));
      // Only a checkpoint moves pages into the database file; nothing on this thread ran one.
      let grown = false;
      for (let waited = 0; waited < 5000 && !grown; waited += 20) {
        await sleep(20);
        grown = fileSizes(path).size > before + 200 * 2000 * 0.9;
      }
      assert.ok(grown, `the database file did not grow: ${before} → ${fileSizes(path).size} bytes`);
      assert.equal(checkpointer.running(), true);
      assert.deepEqual(sqlite.prepare('select count(*) as n from rows').get(), { n: 200 });
    } finally {
      await checkpointer.stop();
      sqlite.close();
    }
  });

  test('once the thread stops, SQLite checkpoints in line again (its default of 1,000 frames)', async () => {
    const { sqlite } = fileWithTable('stopped.sqlite');
    const checkpointer = startWalCheckpointer(sqlite, { intervalMs: 20 });
    await checkpointer.stop();
    assert.equal(checkpointer.running(), false);
    assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 1000);
    sqlite.close();
  });

  test('the WAL stays bounded while the event loop writes without a pause', async () => {
    const { path, sqlite, insert } = fileWithTable('bounded.sqlite');
    const checkpointer = startWalCheckpointer(sqlite, { intervalMs: 20 });
    try {
      // Over 40,000 frames of commits (160 MB) with no turn of the event loop between them: the
      // thread copies frames alongside, and past 4,000 frames the in-line safety net checkpoints as
      // soon as the thread is not, and the WAL starts over (its file keeps its largest size, about
      // 8,000 frames here). A WAL that never started over would hold them all.
      for (let i = 0; i < 20_000; i++) insert.run('y'.repeat(6000));
      const frame = 4096 + 24;
      assert.ok(statSync(path).size > 10_000 * 6000, `most rows reached the database file: ${statSync(path).size} bytes`);
      assert.ok(fileSizes(path).wal <= 20_000 * frame, `the WAL grew to ${fileSizes(path).wal} bytes`);
    } finally {
      await checkpointer.stop();
      sqlite.close();
    }
  });

  test('a file opened as storage checkpoints in the background and closes cleanly; memory has no WAL', async () => {
    const path = join(dir, 'storage.sqlite');
    const storage = await openStorage({ sqlitePath: path });
    const autocheckpoint = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(storage.db);
    assert.equal(autocheckpoint.rows[0]?.wal_autocheckpoint, 4000);
    await storage.close();
    // The last connection to close checkpoints everything and removes the WAL.
    assert.equal(existsSync(`${path}-wal`), false);

    const memory = await openStorage({ sqlitePath: ':memory:' });
    await memory.close();
  });
});
