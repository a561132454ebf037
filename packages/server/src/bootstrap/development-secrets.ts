import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DevelopmentSecrets } from '../config/load-config';

/**
 * Development stand-ins for the admin token and the key-encryption key, each kept in a file beside
 * the SQLite database (mode 0600): a restart reuses them, so the signing keys stay decryptable and
 * the admin token printed once stays valid. Production never reaches this (load-config.ts).
 */
export function fileBackedDevelopmentSecrets(): DevelopmentSecrets {
  return {
    adminToken: ({ sqlitePath }) => readOrCreate(resolve(dirname(sqlitePath), 'development-admin-token'), 32),
    keyEncryptionKey: ({ sqlitePath }) => readOrCreate(resolve(dirname(sqlitePath), 'development-key-encryption-key'), 32),
  };
}

function readOrCreate(file: string, bytes: number): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomBytes(bytes).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}
