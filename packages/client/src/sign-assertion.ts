import { type CryptoKey, importPKCS8, type JWK, type KeyObject, SignJWT } from 'jose';

/**
 * The asymmetric algorithms Countersign accepts for assertions (SPEC §3: never HMAC, never `none`).
 *
 * @example
 * const alg: AssertionAlgorithm = 'ES256'; // the `alg` of the public JWK registered in the credential's jwks
 */
export type AssertionAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'EdDSA';

const ALGORITHMS: ReadonlySet<string> = new Set<AssertionAlgorithm>([
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
]);
/** SPEC §3: `exp` at most 300 s ahead. */
const MAX_EXPIRES_IN = 300;
const MAX_CUSTOM_CLAIM_BYTES = 4096;

/**
 * What a JWT bearer assertion says (RFC 7523 §3, SPEC §3).
 *
 * @example
 * const options: SignAssertionOptions = { privateKey, alg: 'ES256', issuer, clientId, subject: userId, ownerType: 'user' };
 * const assertion = await signAssertion(options);
 */
export interface SignAssertionOptions {
  /**
   * The private half of a key registered in the credential's `jwks`: a `CryptoKey`, a Node
   * `KeyObject`, a private JWK, or a PKCS#8 PEM string. Keep it server side.
   */
  readonly privateKey: CryptoKey | KeyObject | JWK | string;
  /** The algorithm of that key (the `alg` of its public JWK). */
  readonly alg: AssertionAlgorithm;
  /** The `kid` of the registered public key, so the server picks it without trying each. */
  readonly kid?: string;
  /** The Countersign issuer (e.g. `https://auth.example`): the assertion's `aud`. */
  readonly issuer: string;
  /** Another accepted `aud` instead of the issuer: the token endpoint URL (`${issuer}/oauth/token`). */
  readonly audience?: string;
  /** The credential's client id: the assertion's `iss`. */
  readonly clientId: string;
  /** The id of the customer or user the token will act for: `sub`. */
  readonly subject: string;
  /** `customer` (sales channels, integrations) or `user` (webapps, integrations). */
  readonly ownerType: 'customer' | 'user';
  /** A JSON object (at most 4096 bytes) copied into the access token as `custom_claim`. */
  readonly customClaim?: Readonly<Record<string, unknown>>;
  /** Seconds until `exp`: 1 to 300 (SPEC §3), default 120. Short is better: the server remembers each `jti` until then. */
  readonly expiresIn?: number;
  /** The current time in epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * Signs a JWT bearer assertion (RFC 7523 §2.1) for `authenticate('jwt_bearer', { assertion })`:
 * `iss` = client id, `aud` = the issuer, `sub` and `owner_type` = the person the token acts for,
 * `iat`, `exp` (at most 300 s ahead) and a fresh `jti` (each assertion is accepted once). The
 * credential must have the matching public key registered in its `jwks`.
 *
 * @throws {TypeError} for an HMAC or unknown `alg`, or missing fields.
 * @throws {RangeError} for `expiresIn` outside 1–300 s, or a `customClaim` over 4096 bytes.
 *
 * @example
 * import { authenticate, signAssertion } from '@countersign/client';
 *
 * const assertion = await signAssertion({
 *   privateKey: process.env.ASSERTION_KEY_PEM!, // PKCS#8
 *   alg: 'ES256',
 *   kid: 'backend-2026',
 *   issuer: 'https://auth.example',
 *   clientId: integrationId,
 *   subject: customerId,
 *   ownerType: 'customer',
 *   customClaim: { loyalty_tier: 'gold' },
 * });
 * const tokens = await authenticate('jwt_bearer', { issuer: 'https://auth.example', clientId: integrationId, clientSecret, assertion });
 */
export async function signAssertion(options: SignAssertionOptions): Promise<string> {
  if (!ALGORITHMS.has(options.alg)) throw new TypeError('alg must be an asymmetric JWS algorithm (ES256, RS256, EdDSA, ...)');
  for (const name of ['issuer', 'clientId', 'subject'] as const) {
    if (typeof options[name] !== 'string' || options[name] === '') throw new TypeError(`${name} is required`);
  }
  if (options.ownerType !== 'customer' && options.ownerType !== 'user') throw new TypeError('ownerType must be "customer" or "user"');
  const expiresIn = options.expiresIn ?? 120;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
    throw new RangeError(`expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN}`);
  }
  const claims: Record<string, unknown> = { owner_type: options.ownerType };
  if (options.customClaim !== undefined) {
    if (typeof options.customClaim !== 'object' || options.customClaim === null || Array.isArray(options.customClaim)) {
      throw new TypeError('customClaim must be a JSON object');
    }
    if (new TextEncoder().encode(JSON.stringify(options.customClaim)).byteLength > MAX_CUSTOM_CLAIM_BYTES) {
      throw new RangeError(`customClaim must be at most ${MAX_CUSTOM_CLAIM_BYTES} bytes of JSON`);
    }
    claims.custom_claim = options.customClaim;
  }

  const key = typeof options.privateKey === 'string' ? await importPKCS8(options.privateKey, options.alg) : options.privateKey;
  const iat = Math.floor((options.now ?? Date.now)() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg, typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuer(options.clientId)
    .setSubject(options.subject)
    .setAudience(options.audience ?? options.issuer)
    .setIssuedAt(iat)
    .setExpirationTime(iat + expiresIn)
    .setJti(crypto.randomUUID())
    .sign(key);
}
