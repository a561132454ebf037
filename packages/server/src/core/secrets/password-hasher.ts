import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { threadPoolShare } from './thread-pool-share';

// OWASP's scrypt parameters (N=2^17, r=8, p=1) need 128 MiB per hash; this is their lower-memory
// equivalent row (N=2^15, r=8, p=3). Stored with the hash so they can be raised later.
const PARAMS = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_LENGTH = 32;

// scrypt runs on libuv's thread pool, beside the token signatures: it may take half of it, no more
// (two hashes at once under libuv's default of four threads, until the composition root says).
let share = threadPoolShare(2);

/** How many password hashes may run at once: `Config.passwordHashSlots`, set once at composition. */
export function limitPasswordHashing(slots: number): void {
  share = threadPoolShare(slots);
}

function derive(password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return share(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...params, maxmem: 64 * 1024 * 1024 }, (err, key) =>
          err ? reject(err) : resolve(key),
        ),
      ),
  );
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
