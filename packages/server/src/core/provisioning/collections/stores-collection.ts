import { z } from 'zod';
import { defineCollection } from '../collection-definition';
import { currencyField, nameField, slugField } from '../field-schemas';
import { mergeEffects, revokeClients, withdrawStoreFromAppGrants } from '../grant-effects';
import type { RecordShape } from '../record-shapes';
import { STORES_TABLE } from '../store-table';
import { credentialsCollection } from './credentials-collection';

const fields = { slug: slugField, name: nameField, currency: currencyField };

export type StoreRecord = RecordShape & { readonly slug: string; readonly name: string; readonly currency: string };

/** `/stores`: the tenants. A store-bound token may read and update its own store, nothing more. */
export const storesCollection = defineCollection<StoreRecord>()({
  name: 'stores',
  targetType: 'store',
  scope: 'global',
  table: STORES_TABLE,
  paths: { base: '/stores', item: '/stores/:storeId', idParam: 'storeId' },
  staleCaches: ['clients', 'markets', 'people'],
  storeActor: 'own_store_only',
  createSchema: () => z.strictObject(fields),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [],
  uniqueConflict: 'a store with this slug already exists',
  // A store's own entries belong to its own log.
  auditStoreId: (store) => store.id,
  effects: {
    // SPEC §1: the store's credentials (and its customers and memberships) go with it by cascade, so
    // their grants are revoked first; app grants lose the store.
    onDelete: async (ctx, store) => {
      const credentials = await ctx.tx.list(credentialsCollection.table, { storeId: store.id });
      const ofCredentials = await revokeClients(
        ctx,
        credentials.map((c) => String(c.client_id)),
      );
      // Their grantless tokens (client_credentials, guests) end too: resource servers learn it here.
      for (const credential of credentials) {
        ctx.outbox.publish({ collection: 'credentials', id: credential.id, tokensEndedAt: Math.floor(ctx.at / 1000) });
      }
      return mergeEffects(ofCredentials, await withdrawStoreFromAppGrants(ctx, store.id, undefined));
    },
  },
});
