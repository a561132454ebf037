/**
 * Countersign client SDK. The SDK proper (grants, token manager, guard) arrives with its own issue;
 * until then this package exports only the wire constants that clients and the server share by value.
 *
 * @example
 * import { TOKEN_PATH } from '@countersign/client';
 */
export const TOKEN_PATH = '/oauth/token';
