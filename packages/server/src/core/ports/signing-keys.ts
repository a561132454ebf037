import type { KeyObject } from 'node:crypto';
import type { ActiveSigningKey } from '../model/active-signing-key';

/** The signing keys as the token issuers and verifiers use them (core/keys/key-ring.ts holds them). */
export interface SigningKeys {
  /** The key that signs new tokens. */
  current(): ActiveSigningKey;
  /** A published public key by `kid`, for verifying tokens this server issued. */
  publicKey(kid: string): { alg: string; key: KeyObject } | undefined;
}
