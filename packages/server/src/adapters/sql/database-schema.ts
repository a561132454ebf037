import type { Generated } from 'kysely';
import type { ClientKind, CredentialKind } from '../../core/model/client';
import type { Mode } from '../../core/model/mode';
import type { OwnerType } from '../../core/model/owner';
import type { Role } from '../../core/model/role';

/**
 * The tables as Kysely sees them. One schema for SQLite and PostgreSQL: timestamps are ISO-8601 UTC
 * strings (they sort as text), booleans are 0/1 integers, lists and objects are JSON text. See
 * docs/adr/0001-storage.md.
 */
export type Flag = 0 | 1;

interface Timestamps {
  created_at: string;
  updated_at: string;
}

export interface StoreRow extends Timestamps {
  id: string;
  slug: string;
  name: string;
  currency: string;
}

interface StoreScoped extends Timestamps {
  id: string;
  store_id: string;
  mode: Mode;
}

export interface StockLocationRow extends StoreScoped {
  code: string;
  name: string;
}

export interface PriceListRow extends StoreScoped {
  code: string;
  name: string;
  currency: string;
}

export interface CustomerGroupRow extends StoreScoped {
  name: string;
}

export interface MarketRow extends StoreScoped {
  code: string;
  name: string;
  active: Flag;
  price_list_id: string;
  customer_group_id: string | null;
}

export interface MarketStockLocationRow {
  market_id: string;
  stock_location_id: string;
  position: number;
}

export interface CustomerRow extends StoreScoped {
  email: string;
  password_hash: string;
  customer_group_id: string | null;
}

export interface UserRow extends Timestamps {
  id: string;
  email: string;
  name: string;
  password_hash: string;
}

export interface MembershipRow extends Timestamps {
  id: string;
  store_id: string;
  user_id: string;
  role: Role;
}

/** Columns shared by the two kinds of OAuth client: store credentials and third-party apps. */
interface ClientColumns extends Timestamps {
  id: string;
  client_id: string;
  name: string;
  /** JSON string[] of catalog permission scopes. */
  scopes: string;
  /** JSON string[]. */
  redirect_uris: string;
  /** Keyed hash of the current secret; null for public clients. */
  secret_hash: string | null;
  previous_secret_hash: string | null;
  previous_secret_expires_at: string | null;
  /** Set by a compromised rotation: every token the client obtained before this moment is dead. */
  tokens_invalid_before: string | null;
}

export interface CredentialRow extends ClientColumns {
  store_id: string;
  mode: Mode;
  kind: CredentialKind;
  expires_in: number | null;
  /** JSON JWKS ({keys: [...]}) for the JWT bearer grant, or null. */
  jwks: string | null;
  password_grant: Flag;
}

export interface AppRow extends ClientColumns {
  owner_user_id: string;
  description: string;
  homepage: string;
  confidential: Flag;
}

export interface SkuRow extends StoreScoped {
  code: string;
  name: string;
}

export interface PriceRow extends StoreScoped {
  sku_id: string;
  price_list_id: string;
  amount_cents: number;
}

export interface StockItemRow extends StoreScoped {
  sku_id: string;
  stock_location_id: string;
  quantity: number;
}

export type SigningKeyStatus = 'next' | 'current' | 'retired';

export interface SigningKeyRow {
  kid: string;
  alg: string;
  status: SigningKeyStatus;
  /** JSON public JWK. */
  public_jwk: string;
  /** The private JWK, encrypted with the key-encryption key (core/keys/key-encryption.ts). */
  private_jwk_encrypted: string;
  created_at: string;
  activated_at: string | null;
  retired_at: string | null;
  /** A retired key stays in the JWKS until then: the last moment a token it signed can be valid. */
  publish_until: string | null;
}

export interface AuditEntryRow {
  id: Generated<number>;
  store_id: string | null;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  /** JSON object of what changed, never a secret. */
  details: string;
  at: string;
  /** The mode of what the entry is about; null for records that have none (stores, users, keys). */
  mode: Mode | null;
}

export interface GrantRow {
  id: string;
  /** The OAuth client id (credential or app). */
  client_id: string;
  client_record_id: string;
  client_kind: ClientKind;
  mode: Mode;
  owner_type: OwnerType | null;
  owner_id: string | null;
  /** The granted scope string: permission scopes, then restriction entries. */
  scope: string;
  created_at: string;
  /** COUNTERSIGN_GRANT_MAX_AGE after creation: nothing issued under it outlives this. */
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
  /** The signing key of the app's API key, which keeps that key published while the grant lives. */
  api_key_kid: string | null;
}

export interface GrantStoreRow {
  grant_id: string;
  store_id: string;
}

export interface RefreshTokenRow {
  id: string;
  grant_id: string;
  client_id: string;
  /** Keyed hash of the token (core/secrets/secret-hasher.ts); the token itself is never stored. */
  token_hash: string;
  parent_id: string | null;
  issued_at: string;
  expires_at: string;
  used_at: string | null;
  /** The pair issued when this token was used, encrypted, kept only for the grace window. */
  successor_cipher: string | null;
  grace_until: string | null;
}

export interface RevokedAccessTokenRow {
  jti: string;
  grant_id: string | null;
  /** The token's own expiry: the entry is useless afterwards and swept. */
  expires_at: string;
  revoked_at: string;
}

export interface UsedAssertionRow {
  client_id: string;
  jti: string;
  expires_at: string;
}

export interface AuthorizationCodeRow {
  code_hash: string;
  client_id: string;
  redirect_uri: string;
  /** Whether the authorization request carried redirect_uri (then the token request must repeat it). */
  redirect_uri_sent: Flag;
  code_challenge: string | null;
  scope: string;
  /** JSON string[]: the stores chosen at consent (apps) or the credential's store. */
  store_ids: string;
  owner_type: OwnerType;
  owner_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** The grant created by the first use; a second use revokes it (RFC 6749 §4.1.2). */
  grant_id: string | null;
}

/** A session of the sign-in pages (SPEC §3), found by the hash of the id its cookie carries. */
export interface SignInSessionRow {
  id_hash: string;
  person_type: OwnerType;
  person_id: string;
  /** A shopper's session is for one store and mode. */
  store_id: string | null;
  mode: Mode | null;
  created_at: string;
  expires_at: string;
}

/** One revocation notice for resource servers (SPEC §4); `seq` is the feed's cursor. */
export interface ChangeFeedRow {
  seq: Generated<number>;
  type: 'grant' | 'jti' | 'client' | 'key';
  subject: string;
  /** A revoked jti's exp, or the epoch second at which a client's tokens ended; null for a grant. */
  seconds: number | string | null;
  created_at: string;
  expires_at: string | null;
}

export interface Database {
  stores: StoreRow;
  stock_locations: StockLocationRow;
  price_lists: PriceListRow;
  customer_groups: CustomerGroupRow;
  markets: MarketRow;
  market_stock_locations: MarketStockLocationRow;
  customers: CustomerRow;
  users: UserRow;
  memberships: MembershipRow;
  credentials: CredentialRow;
  apps: AppRow;
  skus: SkuRow;
  prices: PriceRow;
  stock_items: StockItemRow;
  signing_keys: SigningKeyRow;
  audit_entries: AuditEntryRow;
  grants: GrantRow;
  grant_stores: GrantStoreRow;
  refresh_tokens: RefreshTokenRow;
  revoked_access_tokens: RevokedAccessTokenRow;
  used_assertions: UsedAssertionRow;
  authorization_codes: AuthorizationCodeRow;
  sign_in_sessions: SignInSessionRow;
  change_feed: ChangeFeedRow;
}
