import { randomBytes } from 'node:crypto';
import { type Config, loadConfig } from '../../src/config/load-config';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop';

/** A config as a test deployment would have it; `env` overrides single variables. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      COUNTERSIGN_ENV: 'test',
      COUNTERSIGN_ISSUER: 'http://127.0.0.1:4000',
      COUNTERSIGN_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      COUNTERSIGN_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      COUNTERSIGN_DEMO: '0',
      COUNTERSIGN_LOG_LEVEL: 'silent',
      // Most tests send far more than 30 token requests a minute; the limit has tests of its own.
      COUNTERSIGN_TOKEN_RATE_LIMIT: '0',
      ...env,
    },
    {
      adminToken: () => {
        throw new Error('tests set the admin token');
      },
      keyEncryptionKey: () => {
        throw new Error('tests set the key-encryption key');
      },
    },
  ).config;
}
