import type { Mode } from './mode';
/** A page of a store's audit log, newest first (SPEC §5 `GET /stores/{id}/audit_entries`). */
export interface AuditLogQuery {
  /** 1–100, default 25. */
  readonly size: number;
  /** The cursor of the last entry of the previous page: entries older than it. */
  readonly after: number | undefined;
  readonly actor: string | undefined;
  readonly action: string | undefined;
}

/** Which entries of the store an actor sees: a store-bound token those of its own mode and the mode-less ones. */
export interface AuditLogView {
  readonly storeId: string;
  readonly mode?: Mode;
}

/**
 * A person's own log (the dashboard's account activity, SPEC §7): the entries outside any store that
 * they made (`actor`), or that are about them or their apps (`targets`: ids by target type).
 */
export interface AccountAuditView {
  readonly actor: string;
  readonly targets: readonly { readonly type: string; readonly ids: readonly string[] }[];
}

/** An audit entry as the provisioning API shows it: wire names, the id as a string (it is the cursor). */
export interface AuditEntryRecord {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target_type: string;
  readonly target_id: string;
  readonly mode: Mode | null;
  readonly details: Record<string, unknown>;
}
