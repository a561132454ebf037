import { authenticateClient, type ClientOptions } from './client-options.js';
import { issuerEndpoint, TOKEN_PATH } from './issuer-endpoint.js';
import { oauthErrorFromResponse } from './oauth-error-from-response.js';
import type { RequestOptions } from './request-options.js';
import { sendRequest } from './send-request.js';
import { type TokenSet, toTokenSet } from './token-set.js';

/**
 * One token request (RFC 6749 §3.2): a form-urlencoded POST to `${issuer}/oauth/token` with the
 * client authenticated, read into a TokenSet or the SDK's error for the answer.
 */
export async function requestTokens(
  params: Readonly<Record<string, string | undefined>>,
  options: ClientOptions & RequestOptions,
): Promise<TokenSet> {
  const url = issuerEndpoint(options.issuer, TOKEN_PATH);
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) body.set(name, value);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  authenticateClient(options, headers, body);
  const response = await sendRequest(url, { method: 'POST', headers, body: body.toString() }, options);
  if (response.status < 200 || response.status > 299) throw oauthErrorFromResponse(response, 'token endpoint');
  return toTokenSet(response.status, response.json);
}
