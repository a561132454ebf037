import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningAlgorithm } from '../model/signing-algorithm';

export interface GeneratedSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  privateJwk: JWK;
}

const sizes: Partial<Record<SigningAlgorithm, { modulusLength: number }>> = {
  RS256: { modulusLength: 2048 },
  RS512: { modulusLength: 3072 },
};

/** A new key pair for `alg`; its `kid` is the RFC 7638 thumbprint of the public key. */
export async function generateSigningKey(alg: SigningAlgorithm): Promise<GeneratedSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...sizes[alg],
    crv: alg === 'EdDSA' ? 'Ed25519' : undefined,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg,
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
  };
}
