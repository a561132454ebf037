import type { JWTPayload } from 'jose';
import type { CountersignClaims } from './claims.js';

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStoreRef = (value: unknown) => isObject(value) && isString(value.id) && typeof value.slug === 'string';

/**
 * Whether a JWT payload has the shape of SPEC §4's claims, so that typing it `CountersignClaims` is
 * honest. Only what decisions rest on is checked: a token that fails here was not minted by a
 * Countersign issuer.
 */
export function isCountersignClaims(payload: JWTPayload): payload is JWTPayload & CountersignClaims {
  const p = payload as Record<string, unknown>;
  if (!isString(p.iss) || !isString(p.sub) || !isString(p.jti) || typeof p.iat !== 'number') return false;
  if (p.exp !== undefined && typeof p.exp !== 'number') return false;
  if (p.aud !== 'storefront' && p.aud !== 'backoffice') return false;
  if (!isString(p.client_id) || typeof p.scope !== 'string' || typeof p.test !== 'boolean') return false;
  const application = p.application;
  if (!isObject(application) || !isString(application.kind)) return false;
  if (p.store !== undefined && !isStoreRef(p.store)) return false;
  if (p.stores !== undefined && !(Array.isArray(p.stores) && p.stores.every(isStoreRef))) return false;
  if (p.market !== undefined) {
    const market = p.market;
    if (!isObject(market) || !isString(market.id) || !Array.isArray(market.stock_location_ids)) return false;
  }
  if (p.grant_id !== undefined && !isString(p.grant_id)) return false;
  return true;
}
