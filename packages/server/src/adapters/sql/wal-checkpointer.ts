import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

/** SQLite's own default: a commit that leaves this many frames in the WAL checkpoints in line. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

export interface WalCheckpointerOptions {
  /** Milliseconds between the background checkpoints (default 100). */
  readonly intervalMs?: number;
  /**
   * Frames (pages) in the WAL beyond which a commit still checkpoints in line, on the event loop: the
   * safety net for a background checkpointer that cannot catch up (default 4,000, about 16 MB: one block of the WAL's hash index).
   */
  readonly inlineAfterFrames?: number;
}

export interface WalCheckpointer {
  /** Whether the background thread is checkpointing (false once it stopped or failed). */
  readonly running: () => boolean;
  /** Stops the thread; SQLite's in-line checkpoints take over again. */
  stop(): Promise<void>;
}

// The thread's code: a connection of its own to the same file, a PASSIVE checkpoint every interval
// (it takes no lock that a reader or a writer waits for, and gives up on frames still in use), and the
// fsync that comes with it, off the event loop. CommonJS, evaluated: the driver comes by absolute path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');
let timer;
const tick = () => {
  checkpoint.get();
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
tick();
`;

/**
 * Where better-sqlite3 is: by `require` when this file runs as CommonJS (the build), by the working
 * directory when a loader runs it as an ES module (tsx in the tests, run from the package).
 */
function driverPath(): string {
  const resolver = typeof require === 'function' ? require : createRequire(join(process.cwd(), 'index.js'));
  return resolver.resolve('better-sqlite3');
}

/**
 * Checkpoints a WAL-mode SQLite file from a thread of its own. SQLite checkpoints in line by default:
 * the commit that takes the WAL past 1,000 pages copies them into the database and fsyncs it, on the
 * event loop, and every request waits for the disk (ADR 0030: 231 of a rotation's 300 µs in a loop). Here
 * the connection's own checkpoints start only past `inlineAfterFrames`, which a thread that keeps up
 * never reaches; if the thread fails or is stopped, SQLite's default comes back.
 */
export function startWalCheckpointer(sqlite: SqliteDatabase.Database, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const intervalMs = options.intervalMs ?? 100;
  sqlite.pragma(`wal_autocheckpoint = ${options.inlineAfterFrames ?? 4000}`);
  let running = true;
  const fallBack = () => {
    if (!running) return;
    running = false;
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  };
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [],
    workerData: { driver: driverPath(), path: sqlite.name, intervalMs },
  });
  worker.unref();
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  return {
    running: () => running,
    async stop() {
      if (!running) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.ref(); // the exit is awaited: it keeps the process up until then
      worker.postMessage('stop');
      await exited;
    },
  };
}
