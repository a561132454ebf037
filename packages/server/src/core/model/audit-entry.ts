import type { Mode } from './mode';

/** One line of a store's audit log (SPEC §5): every write, authorization and revocation, by any path. */
export interface AuditEntry {
  /** The store the entry belongs to; null for server-wide records (users, apps, signing keys). */
  readonly storeId: string | null;
  /** The mode of what the entry is about, or null for records that have none. */
  readonly mode?: Mode | null;
  readonly actor: string;
  /** `<target type>.<operation>`: `credential.create`, `grant.revoke`, `access_token.revoke`, ... */
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  /** What changed; never a secret, password, hash, code or token. */
  readonly details: Record<string, unknown>;
  /** ISO-8601. */
  readonly at: string;
}
