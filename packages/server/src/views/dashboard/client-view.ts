import type { PermissionDescription } from '../../core/scopes/describe-permissions';

/** What the dashboard shows of any client, an app or a store credential (never a secret: only its hash is kept). */
export interface ClientView {
  readonly id: string;
  readonly name: string;
  readonly clientId: string;
  readonly permissions: readonly PermissionDescription[];
  readonly redirectUris: readonly string[];
  readonly createdAt: string;
}
