import { authenticateClient } from '../client-auth/authenticate-client';
import { AppExchangeError } from '../errors/app-exchange-error';
import type { GrantServices } from '../grants/grant-services';
import { CodeRedemptionError, type RedeemCodeDeps, redeemCode } from '../grants/redeem-code';
import type { OAuthClient } from '../model/client';
import { failedAttemptKeys } from '../rate-limit/failed-attempt-keys';
import type { ApiKeyIssuer } from '../tokens/api-key-issuer';

/** What the exchange touches: code redemption, client authentication, the throttle, the API-key issuer. */
export type AppExchangeServices = RedeemCodeDeps &
  Pick<GrantServices, 'clients' | 'failedAttempts' | 'issuer'> & {
    readonly apiKeys: ApiKeyIssuer;
  };

/** `GET /oauth2/{appId}/exchange/{code}` as the HTTP layer read it. */
export interface AppExchangeRequest {
  readonly appId: string;
  readonly code: string;
  /** `X-Client-Secret`. */
  readonly clientSecret: string | undefined;
  readonly userAgent: string | undefined;
  /** `X-Code-Verifier`, for a code issued with a PKCE challenge. */
  readonly codeVerifier: string | undefined;
  /** `rateLimitKey(clientAddress)`: failures are counted per app and address, and per address. */
  readonly addressKey: string;
}

/**
 * The app code exchange (SPEC §3, after Komerza's): a confidential app trades a code for an API key
 * valid until revoked. The checks run in the order SPEC §3 lists them, and only the fourth and fifth
 * touch the code, so a request refused for its header, its app id or its secret leaves the code
 * usable. Failed attempts from step 3 on are throttled like sign-ins.
 */
export async function exchangeAppCode(request: AppExchangeRequest, services: AppExchangeServices): Promise<string> {
  // 1. Komerza requires a User-Agent naming the application.
  if (request.userAgent === undefined || request.userAgent.trim() === '') {
    throw new AppExchangeError('invalid_request', 'The User-Agent header is required.');
  }

  // 2. Only apps exchange codes: a store credential's client id is no app id.
  const app = await services.clients.findByClientId(request.appId);
  if (app?.kind !== 'app') throw new AppExchangeError('app_not_found', 'No application has this id.');

  // Counted before the secret and the code are checked (SPEC §3), refunded on success; a throttled
  // caller gets `too_many_requests` with Retry-After in the exchange's envelope.
  const attempt = await services.failedAttempts.begin(failedAttemptKeys('app_exchange', app.clientId, request.addressKey));

  try {
    // 3. A confidential app's current secret, or its previous one during the overlap.
    await authenticateApp(app, request.clientSecret, services);

    // 4–5. One conditional UPDATE consumes the code; a used code revokes the grant of its first use.
    const key = services.apiKeys.signingKey();
    let redeemed: Awaited<ReturnType<typeof redeemCode>>;
    try {
      redeemed = await redeemCode(app, request.code, { verifier: request.codeVerifier, checkRedirectUri: false }, services, key.kid);
    } catch (error) {
      if (!(error instanceof CodeRedemptionError)) throw error;
      if (error.kind === 'expired') throw new AppExchangeError('code_expired', 'The authorization code has expired.');
      throw new AppExchangeError('invalid_code', 'The authorization code is invalid or has already been used.');
    }

    const { grant, stores } = redeemed;
    if (grant.owner?.type !== 'user') throw new Error('an app grant acts for a user');
    const apiKey = (
      await services.apiKeys.issue(
        {
          issuer: services.issuer,
          client: { id: app.id, clientId: app.clientId, kind: app.kind, confidential: app.confidential },
          mode: app.mode,
          scope: grant.scope,
          stores,
          owner: { type: 'user', id: grant.owner.id },
          grantId: grant.id,
        },
        key,
      )
    ).token;
    await attempt.succeeded();
    return apiKey;
  } catch (error) {
    if (error instanceof AppExchangeError) await attempt.failed();
    else await attempt.succeeded(); // not the caller's failure: nothing to count against them
    throw error;
  }
}

async function authenticateApp(
  app: OAuthClient,
  secret: string | undefined,
  services: Pick<GrantServices, 'hasher' | 'clock'>,
): Promise<void> {
  // A public app has no secret to exchange with: it uses the token endpoint with PKCE.
  if (!app.confidential || secret === undefined || secret === '') {
    throw new AppExchangeError('invalid_client_secret', 'The client secret is incorrect.');
  }
  try {
    // The token endpoint's rules exactly: keyed hashes compared in constant time, the previous
    // secret only while it overlaps.
    await authenticateClient(
      { clientId: app.clientId, secret, method: 'client_secret_post' },
      { findByClientId: async () => app },
      services.hasher,
      services.clock,
    );
  } catch {
    throw new AppExchangeError('invalid_client_secret', 'The client secret is incorrect.');
  }
}
