import type { SlidingWindowDecision } from '../ports/sliding-window-limiter';

/**
 * Whether one more hit fits, given the hits already in the window (`hits`, oldest first, all newer
 * than `now - windowMs`). When not, the wait lasts until `hits.length - limit + 1` of them have left,
 * that is until the hit at index `hits.length - limit` is `windowMs` old (with `limit` 1, the newest).
 * The Redis script computes the same thing in Lua.
 */
export function windowDecision(hits: readonly number[], now: number, limit: number, windowMs: number): SlidingWindowDecision {
  if (limit <= 0 || hits.length < limit) return { allowed: true, count: hits.length, retryAfterSeconds: 0 };
  const edge = hits[hits.length - limit] as number;
  return { allowed: false, count: hits.length, retryAfterSeconds: retryAfterSeconds(edge + windowMs - now) };
}

/** `Retry-After` is whole seconds and at least 1 (SPEC §3). */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
