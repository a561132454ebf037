import { randomBytes, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { type ScryptDerive, scryptThreads } from './scrypt-threads';

// OWASP's scrypt parameters (N=2^17, r=8, p=1) need 128 MiB per hash; this is their lower-memory
// equivalent row (N=2^15, r=8, p=3). Stored with the hash so they can be raised later.
const PARAMS = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_LENGTH = 32;

// scrypt runs on threads of its own, never on libuv's thread pool, which computes the token
// signatures (ADR 0036): two hashes at once until the composition root says otherwise.
let threads = 2;
let derivation: ScryptDerive = scryptThreads(threads);

/** How many password hashes may run at once: `Config.passwordHashThreads`, set at composition. */
export function setPasswordHashThreads(count: number): void {
  if (count === threads) return;
  derivation = scryptThreads(count);
  threads = count;
}

function derive(password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return derivation(password.normalize('NFKC'), salt, KEY_LENGTH, { ...params, maxmem: 64 * 1024 * 1024 });
}

/** Passwords of customers and users: scrypt (SPEC §1), in node:crypto so no native add-on is needed. */
export const passwordHasher = {
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, PARAMS);
    return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  },

  /** Constant-time comparison; a malformed stored hash never matches. */
  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64url');
    const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  },
};

let decoy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash, or against a decoy when there is no account, so that an
 * unknown email costs the same time as a wrong password (SPEC §3).
 */
export async function checkPassword(password: string, stored: string | undefined): Promise<boolean> {
  decoy ??= passwordHasher.hash('decoy password, never matches anything real');
  const matches = await passwordHasher.verify(password, stored ?? (await decoy));
  return matches && stored !== undefined;
}
