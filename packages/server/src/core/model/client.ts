import type { Mode } from './mode';
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
  /** Apps only: how the app presents itself on the consent page (SPEC §1 app `description`, `homepage`). */
  readonly appProfile: { readonly description: string; readonly homepage: string } | null;
  /**
   * Epoch ms of the last compromised secret rotation: every token the client obtained before it is
   * dead (SPEC §1), grant or no grant. Null when there was none.
   */
  readonly tokensInvalidBefore: number | null;
}
