/**
 * A store as tokens name it.
 *
 * @example
 * const slugs = (claims.stores ?? []).map((store: TokenStore) => store.slug);
 */
export interface TokenStore {
  readonly id: string;
  readonly slug: string;
}

/**
 * The client kinds of SPEC §1; `sales_channel` tokens are the storefront's, every other kind the back office's.
 *
 * @example
 * if (claims.application.kind === 'app') console.log('a third-party app, for', claims.stores?.length, 'stores');
 */
export type ApplicationKind = 'sales_channel' | 'integration' | 'webapp' | 'app';

/**
 * The two sides of a commerce API, told apart by the token's `aud`.
 *
 * @example
 * const side: Audience = claims.aud; // 'storefront' or 'backoffice'
 */
export type Audience = 'storefront' | 'backoffice';

/**
 * `test` or `live`: two separate worlds (SPEC §1).
 *
 * @example
 * const mode: Mode = claims.test ? 'test' : 'live';
 */
export type Mode = 'test' | 'live';

/**
 * The claims of a Countersign access token (SPEC §4: RFC 9068 plus the commerce claims), as
 * `verifyToken` and `guard.check` return them once the signature, `typ`, issuer and expiry are checked.
 *
 * @example
 * const claims: CountersignClaims = await verifyToken(token, { issuer, jwksUri });
 * console.log(claims.sub, claims.scope, claims.store?.slug, claims.market?.code, claims.owner?.type);
 */
export interface CountersignClaims {
  readonly iss: string;
  /** The owner's id, or the client id when the token acts for no person. */
  readonly sub: string;
  readonly aud: Audience;
  /** Absent only on an app's API key (SPEC §4), which lives until its grant is revoked. */
  readonly exp?: number;
  readonly iat: number;
  readonly jti: string;
  readonly client_id: string;
  /** Space-separated: permission scopes, then restriction entries (`market:code:eu`, ...). */
  readonly scope: string;
  /** `true` in test mode. */
  readonly test: boolean;
  readonly application: {
    readonly id: string;
    readonly client_id: string;
    readonly kind: ApplicationKind;
    readonly public: boolean;
  };
  /** Credential tokens: their store. */
  readonly store?: TokenStore;
  /** App tokens and API keys: their stores (no `store`). */
  readonly stores?: readonly TokenStore[];
  /** When a market is in scope; `stock_location_ids` is narrowed to the stock location in scope, if any. */
  readonly market?: {
    readonly id: string;
    readonly code: string;
    readonly price_list_id: string;
    readonly stock_location_ids: readonly string[];
  };
  /** When the token acts for a person. */
  readonly owner?: { readonly type: 'customer' | 'user'; readonly id: string };
  /** When issued under a grant; revoking the grant revokes the token. */
  readonly grant_id?: string;
  /** Copied from a JWT bearer assertion. */
  readonly custom_claim?: Record<string, unknown>;
}
