import { sign } from 'node:crypto';
import type { ActiveSigningKey } from '../model/active-signing-key';

const digests = { ES256: 'sha256', RS256: 'sha256', RS512: 'sha512', EdDSA: null } as const;
const headers = new Map<string, string>();

/**
 * JWS compact serialisation (RFC 7515 §3.1) with node:crypto's synchronous `sign`. This is the token
 * endpoint's hot path: jose 6 signs through WebCrypto (async, a key conversion per call), which we
 * measured slower, so signing is done here in a few lines while jose verifies everywhere (tests, SDK,
 * provisioning). See docs/adr/0004-token-signing.md.
 */
export function signJwt(key: ActiveSigningKey, typ: string, payload: Record<string, unknown>): string {
  const headerKey = `${key.kid}|${typ}`;
  let header = headers.get(headerKey);
  if (header === undefined) {
    header = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ })).toString('base64url');
    headers.set(headerKey, header);
  }
  const signingInput = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = sign(digests[key.alg], Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}
