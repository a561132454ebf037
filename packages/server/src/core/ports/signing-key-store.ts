import type { AuditActor } from '../model/audit-actor';
import type { GrantRevoker } from './grant-revoker';
export type SigningKeyStatus = 'next' | 'current' | 'retired';

export interface StoredSigningKey {
  kid: string;
  alg: string;
  status: SigningKeyStatus;
  publicJwk: Record<string, unknown>;
  privateJwkEncrypted: string;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  /** For a retired key: the moment after which no token it signed can still be valid. */
  publishUntil: number | null;
}

export interface RotationPlan {
  /** The key that is current now; the rotation fails with a conflict if another instance rotated first. */
  expectedCurrentKid: string | null;
  /** Becomes the next key once the present next key is promoted. */
  newNext: StoredSigningKey;
  /** How long the retiring key stays published; `null` drops it at once (compromised key). */
  retiredPublishUntil: number | null;
  now: number;
  /** Who asked, for the audit entries written in the same transaction. */
  actor: AuditActor;
}

/** Signing keys at rest. Implemented by adapters/sql/signing-key-repository.ts. */
export interface SigningKeyStore {
  /** The next and current keys, retired keys whose publish_until is still ahead of `now`, and retired keys an unrevoked API key names (SPEC §4). */
  listPublishable(now: number): Promise<StoredSigningKey[]>;
  /** Inserts a key; `false` when another instance already holds that status (first start races). */
  insert(key: StoredSigningKey): Promise<boolean>;
  /** Replaces the `next` key (when the configured algorithm changed). */
  replaceNext(replacement: StoredSigningKey): Promise<void>;
  /**
   * next → current, current → retired (or deleted), `newNext` → next, in one transaction, in which
   * `inTransaction` runs too with the grants at hand (the core revokes a dropped key's API-key grants
   * there: they die with the key, or not at all).
   */
  rotate(plan: RotationPlan, inTransaction: (grants: GrantRevoker) => Promise<void>): Promise<void>;
}
