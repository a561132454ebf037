import type { CountersignClaims, Guard } from '@countersign/client';
import { tokenStoreIds } from '@countersign/client';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { RecordNotFoundError } from '../core/errors/record-errors';
import type { Mode } from '../core/model/mode';
import { guardErrorResponse } from './guard-error-response';
import { marketResource, sendDocument, skuResource, storeResource } from './json-api';
import type { ReferenceApiRecords, SellableIn } from './reference-api-records';

const modeOf = (claims: CountersignClaims): Mode => (claims.test ? 'test' : 'live');

/** A token restricted to a market sees only what is sellable there (SPEC §6); its claim says where. */
const sellableIn = (claims: CountersignClaims): SellableIn | undefined =>
  claims.market && { priceListId: claims.market.price_list_id, stockLocationIds: claims.market.stock_location_ids };

/**
 * The reference commerce API (SPEC §6): a small resource server that checks tokens with the SDK's
 * guard, as a customer's service would. The storefront API (`/api/...`) takes sales-channel tokens,
 * the back-office API (`/{prefix}/api/...`) every other kind. The guard's errors are this API's to
 * answer (401 and 403, guard-error-response.ts), as they would be in a customer's service; any other
 * error goes to the server's one error handler. Every list is bounded by the token's stores and mode.
 */
export interface ReferenceApiRoutesOptions {
  /** The SDK's guard (reference-api-guard.ts). */
  readonly guard: Guard;
  readonly records: ReferenceApiRecords;
  readonly backofficePrefix: string;
  /** The server's error handler, for what is not the guard's. */
  readonly onOtherError: (error: unknown, request: FastifyRequest, reply: FastifyReply) => FastifyReply;
}

export const referenceApiRoutes: FastifyPluginAsync<ReferenceApiRoutesOptions> = async (
  app,
  { guard, records, backofficePrefix, onOtherError },
) => {
  const backoffice = `/${backofficePrefix}/api`;
  app.setErrorHandler((error, request, reply) => guardErrorResponse(error, reply) ?? onOtherError(error, request, reply));

  // Storefront: no permission scope needed; a sales-channel token always names its market.
  app.get('/api/skus', async (request, reply) => {
    const claims = await guard.check(request.headers.authorization, { audience: 'storefront' });
    const skus = await records.listSkus(tokenStoreIds(claims), modeOf(claims), sellableIn(claims));
    return sendDocument(reply, skus.map(skuResource));
  });

  // The stores the token is for: one for a credential's token, the authorized ones for an app's API key.
  app.get(`${backoffice}/stores`, async (request, reply) => {
    const claims = await guard.check(request.headers.authorization, { audience: 'backoffice', scopes: ['stores.view'] });
    const stores = await records.listStores(tokenStoreIds(claims));
    return sendDocument(reply, stores.map(storeResource));
  });

  app.get<{ Params: { id: string } }>(`${backoffice}/stores/:id`, async (request, reply) => {
    await guard.check(request.headers.authorization, { audience: 'backoffice', scopes: ['stores.view'], storeId: request.params.id });
    const store = await records.findStore(request.params.id);
    if (!store) throw new RecordNotFoundError('store', request.params.id);
    return sendDocument(reply, storeResource(store));
  });

  app.get(`${backoffice}/markets`, async (request, reply) => {
    const claims = await guard.check(request.headers.authorization, { audience: 'backoffice', scopes: ['stores.view'] });
    const markets = await records.listMarkets(tokenStoreIds(claims), modeOf(claims));
    return sendDocument(reply, markets.map(marketResource));
  });

  // A back-office token restricted to a market is held to it too: a restriction narrows whatever it is on.
  app.get(`${backoffice}/skus`, async (request, reply) => {
    const claims = await guard.check(request.headers.authorization, { audience: 'backoffice', scopes: ['stores.products.view'] });
    const skus = await records.listSkus(tokenStoreIds(claims), modeOf(claims), sellableIn(claims));
    return sendDocument(reply, skus.map(skuResource));
  });
};
