import { sign } from 'node:crypto';
import type { ActiveSigningKey } from '../model/active-signing-key';

const digests = { ES256: 'sha256', RS256: 'sha256', RS512: 'sha512', EdDSA: null } as const;
const headers = new Map<string, string>();

/**
 * JWS compact serialisation (RFC 7515 §3.1) over node:crypto's `sign`, given a callback so that the
 * signature is computed on libuv's thread pool, off the event loop: it is most of a token answer's
 * CPU time, and on the event loop it is also slower than in isolation (measured in ADR 0029). jose 6
 * signs through WebCrypto with a key conversion per call, which we measured slower, so signing is
 * done here in a few lines while jose verifies everywhere (tests, SDK, provisioning). See
 * docs/adr/0004-token-signing.md and docs/adr/0029-signing-off-the-event-loop.md.
 */
export function signJwt(key: ActiveSigningKey, typ: string, payload: Record<string, unknown>): Promise<string> {
  const headerKey = `${key.kid}|${typ}`;
  let header = headers.get(headerKey);
  if (header === undefined) {
    header = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ })).toString('base64url');
    headers.set(headerKey, header);
  }
  const signingInput = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return new Promise((resolve, reject) =>
    sign(digests[key.alg], Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }, (error, signature) =>
      error ? reject(error) : resolve(`${signingInput}.${signature.toString('base64url')}`),
    ),
  );
}
