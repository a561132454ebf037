import { randomBytes } from 'node:crypto';
import type { Random } from '../core/ports';

export const cryptoRandom: Random = { bytes: (size) => randomBytes(size) };
