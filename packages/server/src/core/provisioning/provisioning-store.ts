import type { CollectionName } from './collection-definition';

export type Mode = 'test' | 'live';

/**
 * A record as the provisioning API shows it: wire field names (SPEC §5 records are bare JSON objects),
 * booleans as booleans, lists as arrays. Never carries a password or a hash: storage strips them.
 */
export type ProvisionedRecord = Readonly<Record<string, unknown>> & { readonly id: string };

/** Field values to write; may carry `password_hash` and `secret_hash`, which never come back out. */
export type RecordValues = Record<string, unknown>;

/** Narrows a lookup: `storeId` for store-scoped collections, `mode` for the moded ones. */
export interface RecordScope {
  readonly storeId?: string | undefined;
  readonly mode?: Mode | undefined;
}

export interface AuditEntry {
  readonly storeId: string | null;
  readonly actor: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  /** What changed; the service never puts a secret, password or hash here. */
  readonly details: Record<string, unknown>;
  readonly at: string;
}

/**
 * A database constraint refused a write: `unique` (a key is taken) or `reference` (a referenced
 * record is missing, or a record to delete is still referenced). The service turns it into a 409
 * that names the collection's rule.
 */
export class ConstraintViolation extends Error {
  constructor(readonly constraint: 'unique' | 'reference') {
    super(`${constraint} constraint violated`);
    this.name = 'ConstraintViolation';
  }
}

export interface ProvisioningReader {
  find(collection: CollectionName, id: string, scope: RecordScope): Promise<ProvisionedRecord | null>;
  /** Oldest first. */
  list(collection: CollectionName, scope: RecordScope): Promise<ProvisionedRecord[]>;
}

/** Writes happen only inside a transaction, so a record and its audit entry commit or vanish together. */
export interface ProvisioningTransaction extends ProvisioningReader {
  insert(collection: CollectionName, values: RecordValues): Promise<ProvisionedRecord>;
  update(collection: CollectionName, id: string, values: RecordValues): Promise<ProvisionedRecord>;
  remove(collection: CollectionName, id: string): Promise<void>;
  /**
   * Moves the current secret hash to `previous_secret_hash` (valid until `previousExpiresAt`) and
   * stores `newHash`, in one statement; `false` when the client has no secret (a public client).
   */
  rotateSecret(collection: 'credentials' | 'apps', id: string, newHash: string, previousExpiresAt: string, at: string): Promise<boolean>;
  audit(entry: AuditEntry): Promise<void>;
}

/** Records of the provisioning API at rest. Implemented by storage/provisioning-repository.ts. */
export interface ProvisioningStore extends ProvisioningReader {
  /** Runs `work` in one database transaction; an error rolls everything back and is rethrown. */
  transaction<T>(work: (tx: ProvisioningTransaction) => Promise<T>): Promise<T>;
}
