import type { ScryptOptions } from 'node:crypto';
import { Worker } from 'node:worker_threads';

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

interface Job {
  readonly input: { password: string; salt: Buffer; keyLength: number; options: ScryptOptions };
  resolve(key: Buffer): void;
  reject(error: Error): void;
}

/**
 * scrypt on `threads` worker threads of its own, the jobs beyond them waiting in order of arrival
 * (ADR 0036). Not on libuv's thread pool, which computes the token signatures: a password check takes
 * about 300 ms, and a signature queued behind one would wait that long. The threads start on first
 * use; an idle one does not keep the process alive; one that dies fails its job alone and is replaced
 * at the next.
 *
 * Written here rather than taken from piscina: piscina loads its task from a file, and the server runs
 * both from TypeScript sources (tests) and from a CommonJS build, with no file layout shared by the
 * two; what is needed is a FIFO queue and a message each way.
 */
export function scryptThreads(threads: number): ScryptDerive {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError('threads must be a positive integer');
  const idle: Worker[] = [];
  const busy = new Map<Worker, Job>();
  const waiting: Job[] = [];
  let alive = 0;

  const run = (worker: Worker, job: Job) => {
    busy.set(worker, job);
    worker.ref();
    worker.postMessage(job.input);
  };

  /** Gives the next waiting job to `worker`, or lets it rest without holding the process open. */
  const next = (worker: Worker) => {
    const job = waiting.shift();
    if (job) return run(worker, job);
    worker.unref();
    idle.push(worker);
  };

  const spawn = () => {
    alive++;
    // No execArgv: the thread needs none of the process's loaders (tsx) or flags.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    worker.on('message', (answer: { key?: Uint8Array; error?: string }) => {
      const job = busy.get(worker);
      busy.delete(worker);
      if (answer.key) job?.resolve(Buffer.from(answer.key.buffer, answer.key.byteOffset, answer.key.byteLength));
      else job?.reject(new Error(`scrypt failed: ${answer.error}`));
      next(worker);
    });
    // A thread that throws outside a job, or stops, fails the job it held and no other.
    worker.on('error', (error) => {
      busy.get(worker)?.reject(error);
      busy.delete(worker);
    });
    worker.on('exit', (code) => {
      alive--;
      busy.get(worker)?.reject(new Error(`the scrypt thread stopped (exit code ${code})`));
      busy.delete(worker);
      if (idle.includes(worker)) idle.splice(idle.indexOf(worker), 1);
      const job = waiting.shift();
      if (job) run(spawn(), job);
    });
    return worker;
  };

  return (password, salt, keyLength, options) =>
    new Promise<Buffer>((resolve, reject) => {
      const job: Job = { input: { password, salt, keyLength, options }, resolve, reject };
      const worker = idle.pop() ?? (alive < threads ? spawn() : undefined);
      if (worker) run(worker, job);
      else waiting.push(job);
    });
}
