import type { ScryptOptions } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { threadPoolShare } from './thread-pool-share';

/** One scrypt derivation, as node:crypto's `scrypt` takes it. */
export type ScryptDerive = (password: string, salt: Buffer, keyLength: number, options: ScryptOptions) => Promise<Buffer>;

// The worker's whole program: scryptSync on its own thread, one job at a time. Inline (eval) so that
// it runs the same from the TypeScript sources (tests, tsx) and from the CommonJS build, and written
// to run as a script or as a module (process.getBuiltinModule), whatever the process was started with.
const WORKER_SOURCE = `
const { parentPort } = process.getBuiltinModule('node:worker_threads');
const { scryptSync } = process.getBuiltinModule('node:crypto');
parentPort.on('message', ({ password, salt, keyLength, options }) => {
  let key;
  try {
    key = scryptSync(password, salt, keyLength, options);
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
    return;
  }
  parentPort.postMessage({ key });
});
`;

type Input = { password: string; salt: Buffer; keyLength: number; options: ScryptOptions };

/**
 * scrypt on `threads` worker threads of its own, the jobs beyond them waiting in order of arrival
 * (threadPoolShare; ADR 0036). Not on libuv's thread pool, which computes the token signatures: a
 * password check takes about 300 ms, and a signature queued behind one would wait that long. A thread
 * starts when a job finds none idle; an idle one does not keep the process alive; one that dies fails
 * its job alone.
 *
 * Written here rather than taken from piscina: piscina loads its task from a file, and the server runs
 * both from TypeScript sources (tests) and from a CommonJS build, with no file layout shared by the
 * two; what is needed is a FIFO queue (threadPoolShare) and a message each way.
 */
export function scryptThreads(threads: number): ScryptDerive {
  const share = threadPoolShare(threads);
  // The share runs at most `threads` jobs at once, each on a thread of its own: a thread is either
  // idle here or running one job, so no more than `threads` are ever started.
  const idle: Worker[] = [];

  const spawn = () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    // An idle thread that stops is forgotten; a job's own listeners below answer for a busy one.
    worker.on('error', () => {});
    worker.once('exit', () => {
      if (idle.includes(worker)) idle.splice(idle.indexOf(worker), 1);
    });
    return worker;
  };

  const runOn = (worker: Worker, input: Input) =>
    new Promise<Buffer>((resolve, reject) => {
      const settle = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (answer: { key?: Uint8Array; error?: string }) => {
        settle();
        worker.unref();
        idle.push(worker);
        if (answer.key) resolve(Buffer.from(answer.key.buffer, answer.key.byteOffset, answer.key.byteLength));
        else reject(new Error(`scrypt failed: ${answer.error}`));
      };
      const onError = (error: Error) => {
        settle();
        reject(error);
      };
      const onExit = (code: number) => {
        settle();
        reject(new Error(`the scrypt thread stopped (exit code ${code})`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.ref();
      worker.postMessage(input);
    });

  return (password, salt, keyLength, options) => share(() => runOn(idle.pop() ?? spawn(), { password, salt, keyLength, options }));
}
