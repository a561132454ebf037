import { decodeProtectedHeader } from 'jose';
import { API_KEY_TYP } from './api-key-issuer';

/**
 * Whether a JWT claims to be an API key (header `typ: api-key+jwt`), so that revocation and
 * introspection send it down the API-key path. Only a hint: that path verifies everything.
 */
export function isApiKey(token: string): boolean {
  try {
    return decodeProtectedHeader(token).typ === API_KEY_TYP;
  } catch {
    return false;
  }
}
