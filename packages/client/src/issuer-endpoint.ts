/**
 * The token endpoint's path on a Countersign issuer (SPEC §3); its alias `/oauth2-token` answers the same.
 *
 * @example
 * import { TOKEN_PATH } from '@countersign/client';
 * const url = new URL(TOKEN_PATH, 'https://auth.example'); // https://auth.example/oauth/token
 */
export const TOKEN_PATH = '/oauth/token';
/** The revocation endpoint's path (RFC 7009, SPEC §3). */
export const REVOCATION_PATH = '/oauth/revoke';

/**
 * `${issuer}${path}` for an issuer given as a plain URL (`https://auth.example`, or with a path
 * prefix, `https://example.com/auth`). A trailing slash on the issuer is dropped so that the path
 * is not doubled; the issuer itself is compared byte for byte elsewhere (`verifyToken`), never here.
 */
export function issuerEndpoint(issuer: string, path: string): string {
  if (typeof issuer !== 'string' || issuer === '') throw new TypeError('issuer is required (e.g. "https://auth.example")');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new TypeError(`issuer must be an absolute URL, got ${JSON.stringify(issuer)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('issuer must be an http(s) URL');
  if (url.search !== '' || url.hash !== '') throw new TypeError('issuer must not have a query or a fragment');
  return `${issuer.replace(/\/+$/, '')}${path}`;
}
