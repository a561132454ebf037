import type { KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from './signing-algorithm';

/** The key that signs new tokens, as the issuers hold it in memory (imported once, not per token). */
export interface ActiveSigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: KeyObject;
}
