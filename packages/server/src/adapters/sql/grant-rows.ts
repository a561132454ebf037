import type { Grant } from '../../core/model/grant';
import type { NewRefreshToken } from '../../core/ports/grant-store';
import type { GrantRow, RefreshTokenRow } from './database-schema';
import { toIso } from './iso-time';

// The rows a new grant is stored as: written by insertGrant, the PostgreSQL code redemption and the
// refresh-token rotation from these builders alone, so that no writer lists the columns again.

/** A new grant as its row. */
export function grantRow(grant: Grant, apiKeyKid: string | undefined): GrantRow {
  return {
    id: grant.id,
    client_id: grant.clientId,
    client_record_id: grant.clientRecordId,
    client_kind: grant.clientKind,
    mode: grant.mode,
    owner_type: grant.owner?.type ?? null,
    owner_id: grant.owner?.id ?? null,
    scope: grant.scope,
    created_at: toIso(grant.createdAt),
    expires_at: toIso(grant.expiresAt),
    last_used_at: null,
    revoked_at: null,
    revoked_reason: null,
    api_key_kid: apiKeyKid ?? null,
  };
}

/** A grant's links to its stores, as rows. */
export function grantStoreRows(grant: Grant): { grant_id: string; store_id: string }[] {
  return grant.storeIds.map((storeId) => ({ grant_id: grant.id, store_id: storeId }));
}

/** A new, unused refresh token as its row; `parentId` is the token it was issued in exchange for. */
export function refreshTokenRow(token: NewRefreshToken, grantId: string, clientId: string, parentId: string | null): RefreshTokenRow {
  return {
    id: token.id,
    grant_id: grantId,
    client_id: clientId,
    token_hash: token.tokenHash,
    parent_id: parentId,
    issued_at: toIso(token.issuedAt),
    expires_at: toIso(token.expiresAt),
    used_at: null,
    successor_cipher: null,
    grace_until: null,
  };
}
