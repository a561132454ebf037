import type { ClientKind } from '../model/client';
import type { Market } from '../model/market';
import type { Mode } from '../model/mode';
import type { Owner } from '../model/owner';

export interface AccessTokenSubject {
  readonly issuer: string;
  readonly client: {
    readonly id: string;
    readonly clientId: string;
    readonly kind: ClientKind;
    readonly confidential: boolean;
  };
  readonly mode: Mode;
  readonly scope: string;
  /** Credential tokens name their store; app tokens and API keys name their stores. */
  readonly store?: { readonly id: string; readonly slug: string };
  readonly stores?: readonly { readonly id: string; readonly slug: string }[];
  readonly market?: Market;
  readonly owner?: Owner;
  readonly grantId?: string;
  readonly customClaim?: Record<string, unknown>;
}

/**
 * The claims of SPEC §4 (RFC 9068 plus the commerce claims). `aud` tells the two sides apart:
 * sales-channel tokens are for the storefront, every other kind for the back office.
 */
export function accessTokenClaims(subject: AccessTokenSubject, issuedAt: number, expiresAt: number | undefined, jti: string) {
  const { client } = subject;
  return {
    iss: subject.issuer,
    sub: subject.owner?.id ?? client.clientId,
    aud: client.kind === 'sales_channel' ? 'storefront' : 'backoffice',
    ...(expiresAt === undefined ? {} : { exp: expiresAt }),
    iat: issuedAt,
    jti,
    client_id: client.clientId,
    scope: subject.scope,
    test: subject.mode === 'test',
    application: { id: client.id, client_id: client.clientId, kind: client.kind, public: !client.confidential },
    ...(subject.store ? { store: { id: subject.store.id, slug: subject.store.slug } } : {}),
    ...(subject.stores ? { stores: subject.stores.map((s) => ({ id: s.id, slug: s.slug })) } : {}),
    ...(subject.market
      ? {
          market: {
            id: subject.market.id,
            code: subject.market.code,
            price_list_id: subject.market.priceListId,
            stock_location_ids: subject.market.stockLocationIds,
          },
        }
      : {}),
    ...(subject.owner ? { owner: { type: subject.owner.type, id: subject.owner.id } } : {}),
    ...(subject.grantId ? { grant_id: subject.grantId } : {}),
    ...(subject.customClaim ? { custom_claim: subject.customClaim } : {}),
  };
}
