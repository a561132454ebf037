/**
 * What the sweep may delete, and from when (the one rule for the tables that grow with traffic). A row
 * goes once nothing can ask for it again:
 * - authorization codes a day after they expired: until then a late redemption is told "expired"
 *   rather than "unknown" (RFC 6749 §4.1.2: codes are short-lived and single use);
 * - access-token denylist entries once the token itself has expired (RFC 7009 §2.2: an expired token is
 *   refused by its `exp` alone);
 * - used assertion ids once the assertion has expired (RFC 7523 §3: the `jti` replay check only has to
 *   outlive the assertion's `exp`);
 * - refresh tokens once expired, rotated ones included: a rotated token is kept until then because a
 *   replay of it must still revoke the grant (RFC 9700 §4.14.2);
 * - the encrypted grace-window copy of a rotated token's successor once its window closed;
 * - sign-in sessions once expired;
 * - change-feed notices once they stop mattering (their `expires_at`: the revoked token's own `exp`,
 *   past which every verifier refuses it anyway; SPEC §4);
 * - audit entries older than the configured retention (0 = kept for ever).
 * Rows go in batches, each its own short statement, so that the sweep never holds locks the token
 * path waits on for long, and one sweep runs at a time however many instances share the database.
 */
export interface SweepCutoffs {
  /** Epoch ms: rows whose time column is at or before it go. `null`: nothing goes. */
  readonly codesExpiredBefore: number;
  readonly denylistExpiredBefore: number;
  readonly assertionsExpiredBefore: number;
  readonly refreshTokensExpiredBefore: number;
  readonly graceCopiesClosedBefore: number;
  readonly sessionsExpiredBefore: number;
  readonly changeNoticesExpiredBefore: number;
  readonly auditEntriesBefore: number | null;
}

export interface RetentionPolicy {
  /** COUNTERSIGN_AUDIT_RETENTION_DAYS; 0 keeps audit entries for ever. */
  readonly auditRetentionDays: number;
}

/** How long an expired code is kept to tell "expired" from "unknown". */
export const EXPIRED_CODE_KEPT_MS = 24 * 3600 * 1000;

export function sweepCutoffs(now: number, policy: RetentionPolicy): SweepCutoffs {
  return {
    codesExpiredBefore: now - EXPIRED_CODE_KEPT_MS,
    denylistExpiredBefore: now,
    assertionsExpiredBefore: now,
    refreshTokensExpiredBefore: now,
    graceCopiesClosedBefore: now,
    sessionsExpiredBefore: now,
    changeNoticesExpiredBefore: now,
    auditEntriesBefore: policy.auditRetentionDays > 0 ? now - policy.auditRetentionDays * 86_400_000 : null,
  };
}
