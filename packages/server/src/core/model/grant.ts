import type { ClientKind } from './client';
import type { Mode } from './mode';
import type { Owner } from './owner';
/** One authorization (SPEC §1): who, which client, which stores, which scopes. */
export interface Grant {
  readonly id: string;
  readonly clientId: string;
  readonly clientRecordId: string;
  readonly clientKind: ClientKind;
  readonly mode: Mode;
  readonly owner: Owner | null;
  readonly storeIds: readonly string[];
  readonly scope: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
}

/** What revokes a grant (SPEC §1); recorded on the grant. */
export type RevocationReason =
  | 'revoked_by_client'
  | 'revoked_by_admin'
  | 'refresh_token_reuse'
  | 'code_replay'
  | 'rule_failed_on_refresh'
  | 'client_deleted'
  | 'owner_deleted'
  | 'password_changed'
  | 'role_lost'
  | 'user_revoked'
  | 'key_compromised'
  | 'secret_compromised';
