import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { TooManyRequestsError } from '../core/errors/oauth-errors';
import type { SlidingWindowLimiter } from '../core/ports/sliding-window-limiter';

/** SPEC §3: "in any sliding 60 s". */
export const TOKEN_RATE_WINDOW_MS = 60_000;

/**
 * The token endpoint's rate limit (SPEC §3) as an `onRequest` hook: at most
 * `COUNTERSIGN_TOKEN_RATE_LIMIT` requests per client address (IPv6 per /64) in any sliding 60 s,
 * one budget for `/oauth/token` and `/oauth2-token` together (one key, whichever route). Over it,
 * TooManyRequestsError, which the error mapper answers 429 with `Retry-After`. It runs before the
 * body is read, so a flood costs a counter increment each. CORS preflights (OPTIONS) are not
 * counted: a browser would otherwise spend half its budget on them. `0` turns the limit off.
 */
export function tokenRateLimit(
  limiter: SlidingWindowLimiter,
  limit: number,
  addressKey: (request: FastifyRequest) => string,
): onRequestAsyncHookHandler {
  return async (request) => {
    if (limit <= 0 || request.method === 'OPTIONS') return;
    const key = `token:${addressKey(request)}`;
    const decision = await limiter.hit(key, limit, TOKEN_RATE_WINDOW_MS);
    if (!decision.allowed) {
      throw new TooManyRequestsError(
        `Too many token requests from this address; try again in ${decision.retryAfterSeconds} seconds.`,
        decision.retryAfterSeconds,
        'token_endpoint',
      );
    }
  };
}
