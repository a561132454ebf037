import { AuthorizationPageError } from '../errors/authorization-page-error';
import type { OAuthClient } from '../model/client';
import { redirectSchemeAllowed } from './https-redirect-rule';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname));
}

/** RFC 8252 §7.3: for a loopback redirect the port may differ; everything else must be identical. */
function loopbackMatch(registered: string, requested: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(registered);
    b = new URL(requested);
  } catch {
    return false;
  }
  if (!isLoopback(a) || !isLoopback(b)) return false;
  const withoutPort = (u: URL) => `${u.protocol}//${u.username}:${u.password}@${u.hostname}${u.pathname}${u.search}${u.hash}`;
  // The raw strings must agree apart from the port, so no normalisation by URL hides a difference.
  return withoutPort(a) === withoutPort(b) && registered.replace(/:\d+(?=\/|$)/, '') === requested.replace(/:\d+(?=\/|$)/, '');
}

/**
 * Step 2: the redirect URI, compared exactly with the registered ones (RFC 9700 §4.1.3: simple string
 * comparison) — no trailing-slash, case, query or fragment leniency — except a loopback port. It may
 * be omitted only when exactly one is registered; in production it must be https (loopback aside).
 * Failures never redirect.
 */
export function checkRedirectUri(
  client: OAuthClient,
  requested: string | undefined,
  env: 'development' | 'production' | 'test',
): { redirectUri: string; sent: boolean } {
  const chosen = chooseRedirectUri(client, requested);
  // A URI registered before the switch to production is refused when used (SPEC §9), never redirected to.
  if (!redirectSchemeAllowed(new URL(chosen.redirectUri), env)) {
    throw new AuthorizationPageError('Insecure redirect URI', 'This application’s redirect URI must use https.');
  }
  return chosen;
}

function chooseRedirectUri(client: OAuthClient, requested: string | undefined): { redirectUri: string; sent: boolean } {
  if (requested === undefined || requested === '') {
    if (client.redirectUris.length === 1) return { redirectUri: client.redirectUris[0] as string, sent: false };
    throw new AuthorizationPageError('Missing redirect URI', 'This application has several redirect URIs; the request must name one.');
  }
  if (client.redirectUris.includes(requested)) return { redirectUri: requested, sent: true };
  if (client.redirectUris.some((registered) => loopbackMatch(registered, requested))) return { redirectUri: requested, sent: true };
  throw new AuthorizationPageError('Unregistered redirect URI', 'The redirect_uri is not one this application registered.');
}
