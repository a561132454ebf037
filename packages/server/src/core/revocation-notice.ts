import type { RecordChange } from './model/record-change';

/**
 * What a resource server must know to refuse tokens that died after they were issued (SPEC §4): the
 * entries of the change feed and of the Redis change channel, as the SDK's guard reads them.
 * - `grant`: the grant `id` was revoked; every token whose `grant_id` is `id` is dead.
 * - `jti`: the access token `id` was revoked; it would have expired at `exp` (epoch seconds).
 * - `client`: every token whose `application.id` is `id` and whose `iat` is at or before `before`
 *   (epoch seconds) is dead: the credential or app was deleted, or its secret rotated as compromised.
 * - `key`: the signing key `id` (a `kid`) was dropped as compromised; every token it signed is dead,
 *   even to a verifier that still holds the key in a cached JWKS.
 */
export type RevocationNotice =
  | { readonly type: 'grant'; readonly id: string }
  | { readonly type: 'key'; readonly id: string }
  | { readonly type: 'jti'; readonly id: string; readonly exp: number }
  | { readonly type: 'client'; readonly id: string; readonly before: number };

/**
 * Which changes reach resource servers: revoked grants, revoked access tokens and ended clients. Every
 * other change (a market edited, a credential renamed) only invalidates Countersign's own caches and
 * stays off the feed, which is what keeps it compact.
 */
export function revocationNotice(change: RecordChange): RevocationNotice | null {
  if (change.collection === 'grants') return { type: 'grant', id: change.id };
  if (change.collection === 'signing_keys') return { type: 'key', id: change.id };
  if (change.collection === 'access_tokens' && change.exp !== undefined) return { type: 'jti', id: change.id, exp: change.exp };
  if ((change.collection === 'credentials' || change.collection === 'apps') && change.tokensEndedAt !== undefined) {
    return { type: 'client', id: change.id, before: change.tokensEndedAt };
  }
  return null;
}

/** The epoch second after which a notice can no longer refuse a live token, or null when it never stops mattering. */
export function noticeExpiry(notice: RevocationNotice): number | null {
  // A revoked grant may carry API keys, which never expire, and so may a dropped key; a client's
  // tokens are refused by their iat whatever their lifetime. Only a revoked jti has a known end.
  return notice.type === 'jti' ? notice.exp : null;
}
