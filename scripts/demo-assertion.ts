/**
 * `npm run -s demo:assertion`: a signed RFC 7523 assertion for the demo integration, for the README's
 * JWT-bearer step. It does what a real integration does, through the public API:
 *   1. keeps an ES256 key pair in data/demo-assertion-key.json (made on first use, mode 0600);
 *   2. registers the public half as the demo integration's `jwks` (PATCH .../credentials/ID with the
 *      admin token), unless it is registered already;
 *   3. prints an assertion (iss = the integration's client id, aud = the issuer, sub = the demo
 *      shopper, owner_type = customer, a fresh jti, exp 5 minutes ahead), and nothing else on stdout.
 * The values come from the environment (`source data/demo.env`), or from data/demo.env itself.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

// Beside the database, as the server keeps demo.env (COUNTERSIGN_SQLITE_PATH, default ./data/...).
const DATA_DIR = dirname(process.env.COUNTERSIGN_SQLITE_PATH || './data/countersign.sqlite');
const ENV_FILE = join(DATA_DIR, 'demo.env');
const KEY_FILE = join(DATA_DIR, 'demo-assertion-key.json');

function setting(name: string): string {
  const fromEnvironment = process.env[name];
  if (fromEnvironment) return fromEnvironment;
  const line = existsSync(ENV_FILE) ? new RegExp(`^export ${name}='?([^'\\n]*)'?$`, 'm').exec(readFileSync(ENV_FILE, 'utf8')) : null;
  if (line?.[1]) return line[1];
  throw new Error(`${name} is not set: start the server once (npm start) and run: source ${ENV_FILE}`);
}

async function keyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  if (existsSync(KEY_FILE)) return JSON.parse(readFileSync(KEY_FILE, 'utf8'));
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const pair = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
  };
  writeFileSync(KEY_FILE, `${JSON.stringify(pair, null, 2)}\n`, { mode: 0o600 });
  return pair;
}

async function main(): Promise<void> {
  const issuer = setting('ISSUER');
  const credentialUrl = `${issuer}/provisioning/v1/stores/${setting('STORE_ID')}/credentials/${setting('INTEGRATION_CREDENTIAL_ID')}`;
  const headers = { authorization: `Bearer ${setting('ADMIN_TOKEN')}`, 'content-type': 'application/json' };
  const { privateJwk, publicJwk } = await keyPair();

  const current = await fetch(credentialUrl, { headers });
  if (!current.ok) throw new Error(`GET ${credentialUrl}: ${current.status} ${await current.text()}`);
  const { jwks } = (await current.json()) as { jwks: { keys: JWK[] } | null };
  if (!jwks?.keys.some((k) => k.kid === publicJwk.kid)) {
    const patched = await fetch(credentialUrl, { method: 'PATCH', headers, body: JSON.stringify({ jwks: { keys: [publicJwk] } }) });
    if (!patched.ok) throw new Error(`PATCH ${credentialUrl}: ${patched.status} ${await patched.text()}`);
    process.stderr.write(`registered the public key ${publicJwk.kid} as the demo integration's jwks\n`);
  }

  const assertion = await new SignJWT({ owner_type: 'customer' })
    .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid as string, typ: 'JWT' })
    .setIssuer(setting('INTEGRATION_ID'))
    .setSubject(setting('CUSTOMER_ID'))
    .setAudience(issuer)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importJWK(privateJwk, 'ES256'));
  process.stdout.write(`${assertion}\n`);
}

main().catch((error) => {
  process.stderr.write(`demo:assertion: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
