/** Where an authorization request answers: the client's redirect URI, and the state to give back. */
export interface AuthorizationTarget {
  readonly redirectUri: string;
  readonly state: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set by the authorization pages once the client and its redirect URI are known good: from then
     * on an error that RFC 6749 §4.1.2.1 lets us report is redirected there (http/errors/).
     */
    authorizationTarget: AuthorizationTarget | undefined;
  }
}

/**
 * The authorization response (RFC 6749 §4.1.2, §4.1.2.1): the redirect URI with `params` appended to
 * its own query (which it keeps), the `state` given back, and `iss` (RFC 9207) on every answer,
 * success or error.
 */
export function authorizationResponse(target: AuthorizationTarget, params: Readonly<Record<string, string>>, issuer: string): string {
  const url = new URL(target.redirectUri);
  for (const [key, value] of Object.entries({ ...params, state: target.state, iss: issuer })) {
    if (value !== undefined) url.searchParams.append(key, value);
  }
  return url.toString();
}
