import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppExchangeRequest } from '../core/authorize/exchange-app-code';
import { oauthNoStore } from './no-store';

/**
 * The route's path; every error on it is answered in the exchange's envelope (`wire: 'exchange'`). A wildcard,
 * not `/oauth2/:appId/exchange/:code`: the router refuses parameters longer than `maxParamLength`
 * with a 414 of its own that echoes the path (code included), where SPEC §3 wants `app_not_found`
 * for an app id of any form and `invalid_code` for any code.
 */
export const APP_EXCHANGE_PATH = '/oauth2/*';

/**
 * Whether a URL no route matched (a malformed percent-escape never reaches a route) has the
 * exchange's shape, so that the router's error is answered in the exchange's envelope too.
 */
export function isAppExchangePath(url: string): boolean {
  return exchangeSegments(url) !== undefined;
}

/** `/oauth2/{appId}/exchange/{code}` → its two segments, percent-decoded (kept raw when malformed). */
function exchangeSegments(url: string): { appId: string; code: string } | undefined {
  const segments = (url.split('?')[0] ?? '').split('/');
  if (segments.length !== 5 || segments[1] !== 'oauth2' || segments[3] !== 'exchange' || !segments[2] || !segments[4]) return undefined;
  return { appId: decodeSegment(segments[2]), code: decodeSegment(segments[4]) };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // matches no app and no code, which is the right answer for it
  }
}

export interface AppExchangeRoutesOptions {
  /** core/authorize/exchange-app-code.ts, bound. */
  exchange(request: AppExchangeRequest): Promise<string>;
  /** `rateLimitKey(clientAddress)` of a request: failures count per app and address. */
  addressKey(request: FastifyRequest): string;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/**
 * `GET /oauth2/{appId}/exchange/{code}` (SPEC §3, Komerza's exchange): `X-Client-Secret` and
 * `User-Agent` headers, an `Authorization` header ignored, the answer
 * `{success, message, code, data}` with `Cache-Control: no-store` and no CORS headers (server side
 * only). The path's code is logged as `:code` (log-redaction.ts).
 */
export const appExchangeRoutes: FastifyPluginAsync<AppExchangeRoutesOptions> = async (app, o) => {
  app.get(
    APP_EXCHANGE_PATH,
    // No HEAD twin: a HEAD would consume the code and throw the API key away with the body.
    { exposeHeadRoute: false, config: { wire: 'exchange' } },
    async (request, reply) => {
      const path = exchangeSegments(request.url);
      if (!path) return reply.callNotFound();
      const verifier = header(request, 'x-code-verifier');
      const apiKey = await o.exchange({
        appId: path.appId,
        code: path.code,
        clientSecret: header(request, 'x-client-secret'),
        userAgent: header(request, 'user-agent'),
        codeVerifier: verifier === '' ? undefined : verifier,
        addressKey: o.addressKey(request),
      });
      return oauthNoStore(reply).send({ success: true, message: null, code: null, data: apiKey });
    },
  );
};
