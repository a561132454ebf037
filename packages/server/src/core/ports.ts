import type { AuditActor } from './audit/audit-actor';

/**
 * What the core needs from the outside world, as interfaces. The core never reads the wall clock,
 * the environment or the database directly: main.ts and the tests hand these in.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export interface Random {
  bytes(size: number): Buffer;
}

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

/** Signing keys at rest. Implemented by storage/signing-key-repository.ts. */
export interface SigningKeyStore {
  /** The next and current keys, retired keys whose publish_until is still ahead of `now`, and retired keys an unrevoked API key names (SPEC §4). */
  listPublishable(now: number): Promise<StoredSigningKey[]>;
  /** Inserts a key; `false` when another instance already holds that status (first start races). */
  insert(key: StoredSigningKey): Promise<boolean>;
  /** Replaces the `next` key (when the configured algorithm changed). */
  replaceNext(replacement: StoredSigningKey): Promise<void>;
  /**
   * next → current, current → retired (or deleted), `newNext` → next, in one transaction; a dropped
   * (compromised) key's API-key grants are revoked in it too, and their ids returned for publishing.
   */
  rotate(plan: RotationPlan): Promise<{ revokedGrants: string[] }>;
}

export type Mode = 'test' | 'live';
export type CredentialKind = 'sales_channel' | 'integration' | 'webapp';
export type ClientKind = CredentialKind | 'app';

/** An OAuth client as the token endpoint sees it: a store credential or a third-party app. */
export interface OAuthClient {
  /** The record id (`application.id` in tokens). */
  readonly id: string;
  readonly clientId: string;
  readonly kind: ClientKind;
  readonly confidential: boolean;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly redirectUris: readonly string[];
  readonly secretHash: string | null;
  readonly previousSecretHash: string | null;
  /** Epoch ms until which the previous secret still authenticates. */
  readonly previousSecretExpiresAt: number | null;
  /** Credentials only: their store and mode. Apps act on live data of the stores granted to them. */
  readonly store: { readonly id: string; readonly slug: string } | null;
  readonly mode: Mode;
  readonly expiresIn: number | null;
  readonly jwks: { keys: Record<string, unknown>[] } | null;
  readonly passwordGrant: boolean;
  /** Apps only: the user who registered it (shown on the consent page). */
  readonly ownerUserId: string | null;
  /**
   * Epoch ms of the last compromised secret rotation: every token the client obtained before it is
   * dead (SPEC §1), grant or no grant. Null when there was none.
   */
  readonly tokensInvalidBefore: number | null;
}

export interface ClientDirectory {
  findByClientId(clientId: string): Promise<OAuthClient | undefined>;
}

export interface Market {
  readonly id: string;
  readonly code: string;
  readonly active: boolean;
  readonly priceListId: string;
  readonly customerGroupId: string | null;
  /** In the market's order. */
  readonly stockLocationIds: readonly string[];
}

export interface StockLocation {
  readonly id: string;
  readonly code: string;
}

/** How a restriction scope names a record: `market:id:ID` or `market:code:CODE`. */
export interface RecordRef {
  readonly by: 'id' | 'code';
  readonly value: string;
}

export interface MarketDirectory {
  findMarket(storeId: string, mode: Mode, ref: RecordRef): Promise<Market | undefined>;
  findStockLocation(storeId: string, mode: Mode, ref: RecordRef): Promise<StockLocation | undefined>;
}
