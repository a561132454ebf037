import type { RevocationNotice } from '../revocation-notice';

/** One page of the feed: the notices after a cursor, and the cursor to ask from next. */
export interface ChangeFeedPage {
  readonly notices: readonly RevocationNotice[];
  /** Opaque; give it back as `since`. Stable across restarts (it is stored). */
  readonly cursor: string;
  /** More notices wait after `cursor`. */
  readonly more: boolean;
}

/** The stored, pollable change feed (SPEC §4) for resource servers without Redis. */
export interface ChangeFeed {
  append(notice: RevocationNotice, at: number): Promise<void>;
  /**
   * The notices after `since` (all of them when `since` is null) that can still refuse a live token
   * at `now`, oldest first, at most `limit`.
   */
  after(since: string | null, now: number, limit: number): Promise<ChangeFeedPage>;
}
