/** Hosts where native and development clients listen on plain http (RFC 8252 §7.3). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * SPEC §3, §9: in production a redirect URI must be https, except on a loopback host (RFC 8252
 * §7.3; RFC 9700 §4.1.1 forbids sending codes over plain http elsewhere). Checked when a URI is
 * registered and again when it is used, so that a URI registered before the switch to production is
 * never redirected to. `url` is a parsed absolute URL.
 */
export function redirectSchemeAllowed(url: URL, env: 'development' | 'production' | 'test'): boolean {
  if (env !== 'production' || url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}
