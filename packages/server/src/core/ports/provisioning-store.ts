import type { AuditEntry } from '../model/audit-entry';
import type { AccountAuditView, AuditEntryRecord, AuditLogQuery, AuditLogView } from '../model/audit-log';
import type { ClientKind } from '../model/client';
import type { GrantRevocation, GrantSelector } from '../model/grant-revocation';
import type { Mode } from '../model/mode';
import type { Owner, OwnerType } from '../model/owner';
import type { PageQuery } from '../provisioning/parse-page-query';

/**
 * A record as the provisioning API shows it: wire field names (SPEC §5 records are bare JSON objects),
 * booleans as booleans, lists as arrays. Never carries a password or a hash: storage strips them.
 */
export type ProvisionedRecord = Readonly<Record<string, unknown>> & { readonly id: string };

/** Field values to write; may carry `password_hash` and `secret_hash`, which never come back out. */
export type RecordValues = Record<string, unknown>;

/**
 * A collection's table and how its columns differ from the record's fields (its row codec); every
 * other column is stored as the field is. Declared by the collection (core/provisioning/collections/).
 */
export interface TableSpec {
  readonly name: string;
  /** 0/1 integers ↔ booleans. */
  readonly flags?: readonly string[];
  /** JSON text ↔ arrays and objects. */
  readonly json?: readonly string[];
  /** Columns that never leave storage (SPEC §5: no hash in a record). */
  readonly hidden?: readonly string[];
  /** A list field kept, in its order, in a join table of its own rather than in a column. */
  readonly orderedList?: { readonly field: string; readonly table: string; readonly ownerColumn: string; readonly itemColumn: string };
  /**
   * Deleting a record reaches both ends of references through cascades (a store): on PostgreSQL the
   * references are then checked at commit, for that delete only.
   */
  readonly deferReferencesOnDelete?: boolean;
}

/** Narrows a lookup: `storeId` for store-scoped collections, `mode` for the moded ones, `fields` equal to values. */
export interface RecordScope {
  readonly storeId?: string | undefined;
  readonly mode?: Mode | undefined;
  readonly fields?: Readonly<Record<string, string>>;
  /** One page of the list (oldest first); the whole list when absent. */
  readonly page?: PageQuery | undefined;
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

/** A grant as `GET /provisioning/v1/grants` shows it (SPEC §5): wire names, ISO-8601 timestamps. */
export interface GrantRecord {
  readonly id: string;
  readonly client_id: string;
  readonly client_kind: ClientKind;
  readonly mode: Mode;
  readonly owner_type: OwnerType | null;
  readonly owner_id: string | null;
  /** Sorted; an app grant loses a store when its user loses owner or admin there. */
  readonly store_ids: readonly string[];
  readonly scope: string;
  readonly created_at: string;
  readonly expires_at: string;
  readonly revoked_at: string | null;
  readonly revoked_reason: string | null;
}

/**
 * Which grants a listing shows: those of one user (as owner) or of one client; `storeId` and `mode`
 * narrow it to a store-bound actor's view (grants that include its store, in its mode).
 */
export type GrantListQuery = ({ readonly userId: string } | { readonly clientId: string }) & {
  readonly storeId?: string | undefined;
  readonly mode?: Mode | undefined;
};

export interface ProvisioningReader {
  find(table: TableSpec, id: string, scope: RecordScope): Promise<ProvisionedRecord | null>;
  /** Oldest first. */
  list(table: TableSpec, scope: RecordScope): Promise<ProvisionedRecord[]>;
  /** Oldest first, revoked ones included (the record says so). */
  listGrants(query: GrantListQuery, page?: PageQuery): Promise<GrantRecord[]>;
  findGrant(id: string): Promise<GrantRecord | null>;
  /** Newest first: at most `query.size` entries of the view, older than `query.after`. */
  listAuditEntries(view: AuditLogView, query: AuditLogQuery): Promise<AuditEntryRecord[]>;
  /** The same, of a person's own log outside any store. */
  listAccountAuditEntries(view: AccountAuditView, query: AuditLogQuery): Promise<AuditEntryRecord[]>;
}

/** Writes happen only inside a transaction, so a record and its audit entry commit or vanish together. */
export interface ProvisioningTransaction extends ProvisioningReader {
  /**
   * Serialises the writes to one store's memberships (PostgreSQL: `SELECT ... FOR UPDATE` on the
   * store row), so that rules across rows (a store keeps an owner) hold under concurrency.
   */
  lockStore(storeId: string): Promise<void>;
  insert(table: TableSpec, values: RecordValues): Promise<ProvisionedRecord>;
  update(table: TableSpec, id: string, values: RecordValues): Promise<ProvisionedRecord>;
  remove(table: TableSpec, id: string): Promise<void>;
  /**
   * Moves the current secret hash to `previous_secret_hash` (valid until `previousExpiresAt`) and
   * stores `newHash`, in one statement; `false` when the client has no secret (a public client).
   * `compromised`: the current secret is dropped instead (no overlap), and every token the client
   * obtained before `at` is marked dead (`tokens_invalid_before`).
   */
  rotateSecret(
    table: TableSpec,
    id: string,
    rotation: { readonly newHash: string; readonly previousExpiresAt: string; readonly at: string; readonly compromised: boolean },
  ): Promise<boolean>;
  audit(entry: AuditEntry): Promise<void>;
  /**
   * Marks the live grants `selector` reaches revoked and audits them, in this transaction, so that a
   * grant dies with its cause (SPEC §1). Only through core/grants/revoke-grant.ts, which publishes.
   */
  revokeGrants(selector: GrantSelector, revocation: GrantRevocation): Promise<string[]>;
  /** Ends every sign-in session of a person (SPEC §3: a password change, a deletion). */
  endSessionsOf(person: Owner): Promise<void>;
  /** Ids of the live grants that include `storeId`, of these client kinds, optionally only those of one user. */
  liveGrantIdsOnStore(
    storeId: string,
    filter: { readonly clientKinds: readonly ClientKind[]; readonly ownerUserId?: string },
  ): Promise<string[]>;
  /** Takes `storeId` out of these grants; returns the ids of those left with no store at all. */
  removeStoreFromGrants(grantIds: readonly string[], storeId: string): Promise<string[]>;
}

/** Records of the provisioning API at rest. Implemented by adapters/sql/provisioning-repository.ts. */
export interface ProvisioningStore extends ProvisioningReader {
  /** Runs `work` in one database transaction; an error rolls everything back and is rethrown. */
  transaction<T>(work: (tx: ProvisioningTransaction) => Promise<T>): Promise<T>;
}
