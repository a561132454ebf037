import { randomFillSync } from 'node:crypto';
import type { Random } from '../../core/ports/random';

const POOL_SIZE = 4096;
let pool = Buffer.allocUnsafe(0);
let offset = 0;

/**
 * CSPRNG bytes, drawn from a pool refilled 4 KiB at a time: the token path asks for 16 bytes per
 * token, and one `randomFillSync` call per token cost more than the bytes. Each caller gets a copy.
 */
export const cryptoRandom: Random = {
  bytes(size) {
    if (size > POOL_SIZE / 4) return randomFillSync(Buffer.allocUnsafe(size));
    if (offset + size > pool.length) {
      pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
      offset = 0;
    }
    const out = Buffer.from(pool.subarray(offset, offset + size));
    pool.fill(0, offset, offset + size);
    offset += size;
    return out;
  },
};
