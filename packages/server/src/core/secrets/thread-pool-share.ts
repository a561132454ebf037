/**
 * Runs at most `slots` of the given tasks at once, the rest waiting in order of arrival. The password
 * hasher's threads use it (scrypt-threads.ts, ADR 0036): at most one hash per thread, the others
 * waiting their turn. Written here rather than taken from p-limit: its
 * maintained versions are ESM-only and the server builds to CommonJS (ADR 0024); this is the FIFO
 * part of it, a dozen lines.
 */
export function threadPoolShare(slots: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(slots) || slots < 1) throw new RangeError('slots must be a positive integer');
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async (task) => {
    if (running < slots) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
