import { type CryptoKey, exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose';

export const ISSUER = 'https://auth.example';
export const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwks: JSONWebKeySet;
}

/** A fresh ES256 key and the JWKS that publishes it (generated per run: no committed private keys). */
export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] } };
}

/** The claims a Countersign issuer puts in a back-office credential token (SPEC §4). */
export function backofficeClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(NOW / 1000);
  return {
    iss: ISSUER,
    sub: 'client-1',
    aud: 'backoffice',
    iat,
    exp: iat + 7200,
    jti: 'jti-1',
    client_id: 'client-1',
    scope: 'stores.view stores.products.view',
    test: true,
    application: { id: 'app-1', client_id: 'client-1', kind: 'integration', public: false },
    store: { id: 'store-1', slug: 'shop' },
    ...overrides,
  };
}

export function storefrontClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return backofficeClaims({
    aud: 'storefront',
    scope: 'market:code:eu',
    application: { id: 'app-2', client_id: 'client-1', kind: 'sales_channel', public: true },
    market: { id: 'm-1', code: 'eu', price_list_id: 'pl-1', stock_location_ids: ['sl-1'] },
    ...overrides,
  });
}

export function sign(
  key: SigningKey,
  claims: Record<string, unknown>,
  header: { typ?: string; kid?: string; alg?: string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: header.alg ?? 'ES256', typ: header.typ ?? 'at+jwt', kid: header.kid ?? key.kid })
    .sign(key.privateKey);
}
