import type { FastifyReply } from 'fastify';
import { noStore } from '../http/no-store';
import type { MarketRecord, SkuRecord, StoreRecord } from './reference-api-records';

/** JSON:API 1.1 §5.1: the media type, with no parameters. */
export const JSON_API_MEDIA_TYPE = 'application/vnd.api+json';

export interface JsonApiResource {
  readonly type: string;
  readonly id: string;
  readonly attributes: Record<string, unknown>;
  readonly relationships?: Record<string, { data: { type: string; id: string } }>;
}

const storeRelationship = (storeId: string) => ({ store: { data: { type: 'stores', id: storeId } } });

export function storeResource(store: StoreRecord): JsonApiResource {
  return {
    type: 'stores',
    id: store.id,
    attributes: { slug: store.slug, name: store.name, currency: store.currency, created_at: store.createdAt, updated_at: store.updatedAt },
  };
}

export function marketResource(market: MarketRecord): JsonApiResource {
  return {
    type: 'markets',
    id: market.id,
    attributes: {
      code: market.code,
      name: market.name,
      active: market.active,
      price_list_id: market.priceListId,
      stock_location_ids: market.stockLocationIds,
      customer_group_id: market.customerGroupId,
      created_at: market.createdAt,
      updated_at: market.updatedAt,
    },
    relationships: storeRelationship(market.storeId),
  };
}

export function skuResource(sku: SkuRecord): JsonApiResource {
  return {
    type: 'skus',
    id: sku.id,
    attributes: { code: sku.code, name: sku.name, created_at: sku.createdAt, updated_at: sku.updatedAt },
    relationships: storeRelationship(sku.storeId),
  };
}

/**
 * A JSON:API document; `no-store` because what it holds depends on the bearer token. Sent as bytes:
 * handed an object or a string, Fastify appends `; charset=utf-8` to any JSON media type, and JSON:API
 * forbids media type parameters (JSON is UTF-8 anyway, RFC 8259 §8.1).
 */
export function sendDocument(reply: FastifyReply, data: JsonApiResource | JsonApiResource[]): FastifyReply {
  return noStore(reply)
    .type(JSON_API_MEDIA_TYPE)
    .send(Buffer.from(JSON.stringify({ data })));
}
