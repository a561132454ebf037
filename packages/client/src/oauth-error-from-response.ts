import { isOAuthErrorCode, OAuthResponseError } from './oauth-response-error.js';
import { retryAfterSeconds } from './retry-after.js';
import type { ReadResponse } from './send-request.js';
import { UnexpectedResponseError } from './unexpected-response-error.js';

/** An error answer of the token or revocation endpoint (RFC 6749 §5.2) as the SDK's error for it. */
export function oauthErrorFromResponse(response: ReadResponse, endpoint: string): OAuthResponseError | UnexpectedResponseError {
  const body = (typeof response.json === 'object' && response.json !== null ? response.json : {}) as Record<string, unknown>;
  const code = body.error;
  if (!isOAuthErrorCode(code)) {
    return new UnexpectedResponseError(
      response.status,
      typeof code === 'string'
        ? `The ${endpoint} answered HTTP ${response.status} with an unknown error code ${JSON.stringify(code)}`
        : `The ${endpoint} answered HTTP ${response.status} without an OAuth error body`,
    );
  }
  return new OAuthResponseError(code, {
    status: response.status,
    description: typeof body.error_description === 'string' ? body.error_description : undefined,
    uri: typeof body.error_uri === 'string' ? body.error_uri : undefined,
    retryAfter: retryAfterSeconds(response.headers),
  });
}
