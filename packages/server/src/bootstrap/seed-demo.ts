import { RecordConflictError } from '../core/errors/record-errors';
import type { Random } from '../core/ports/random';
import type { SystemActor } from '../core/provisioning/provisioning-actor';
import type { ProvisioningService } from '../core/provisioning/provisioning-service';
import { randomAlphanumeric } from '../core/secrets/random-alphanumeric';

/** What main.ts prints after seeding, so that a newcomer can get a token at once. */
export interface DemoSeed {
  readonly storeId: string;
  readonly storeSlug: 'demo';
  readonly mode: 'test';
  readonly markets: readonly { readonly id: string; readonly code: string; readonly private: boolean }[];
  readonly salesChannel: { readonly id: string; readonly clientId: string };
  readonly integration: { readonly id: string; readonly clientId: string; readonly clientSecret: string };
  readonly webapp: { readonly id: string; readonly clientId: string; readonly clientSecret: string; readonly redirectUri: string };
  readonly staff: { readonly id: string; readonly email: string; readonly password: string };
  readonly customer: { readonly id: string; readonly email: string; readonly password: string };
}

const SYSTEM: SystemActor = { kind: 'system' };
const STAFF_EMAIL = 'staff@demo.invalid';
const CUSTOMER_EMAIL = 'shopper@demo.invalid';
/** The demo credentials, found again by kind and name on later starts (demo-summary.ts). */
export const DEMO_NAMES = {
  store: 'demo',
  salesChannel: 'Demo storefront',
  integration: 'Demo integration',
  webapp: 'Demo back office',
  staffEmail: STAFF_EMAIL,
  customerEmail: CUSTOMER_EMAIL,
} as const;

/**
 * SPEC §9: the demo store seeded on first start, written through the provisioning service so that
 * every record is validated and audited (actor `system`). Returns `null` when the store already
 * exists, including when another instance seeded it a moment earlier (its slug is unique).
 */
export async function seedDemo(service: ProvisioningService, random: Random, issuer: string): Promise<DemoSeed | null> {
  // The demo webapp comes back to the server's own demo callback page, which shows the code.
  const DEMO_REDIRECT_URI = `${issuer}/demo/callback`;
  const stores = await service.list(SYSTEM, 'stores', undefined);
  if (stores.some((s) => s.slug === 'demo')) return null;

  let storeId: string;
  try {
    storeId = (await service.create(SYSTEM, 'stores', undefined, { slug: 'demo', name: 'Demo Store', currency: 'EUR' })).record.id;
  } catch (error) {
    if (error instanceof RecordConflictError) return null;
    throw error;
  }
  const create = async (collection: Parameters<ProvisioningService['create']>[1], body: Record<string, unknown>) =>
    service.create(SYSTEM, collection, storeId, { mode: 'test', ...body });
  const idOf = async (collection: Parameters<ProvisioningService['create']>[1], body: Record<string, unknown>) =>
    (await create(collection, body)).record.id;

  const euWarehouse = await idOf('stock_locations', { code: 'eu_warehouse', name: 'EU warehouse' });
  const usWarehouse = await idOf('stock_locations', { code: 'us_warehouse', name: 'US warehouse' });
  const eurList = await idOf('price_lists', { code: 'eur', name: 'Euro prices', currency: 'EUR' });
  const vipList = await idOf('price_lists', { code: 'vip', name: 'VIP prices', currency: 'EUR' });
  const vipGroup = await idOf('customer_groups', { name: 'vip' });
  const europe = await idOf('markets', {
    code: 'europe',
    name: 'Europe',
    active: true,
    price_list_id: eurList,
    stock_location_ids: [euWarehouse, usWarehouse],
  });
  const vip = await idOf('markets', {
    code: 'vip',
    name: 'VIP (private)',
    active: true,
    price_list_id: vipList,
    stock_location_ids: [euWarehouse],
    customer_group_id: vipGroup,
  });

  const salesChannel = await create('credentials', { kind: 'sales_channel', name: DEMO_NAMES.salesChannel, scopes: [] });
  const integration = await create('credentials', {
    kind: 'integration',
    name: DEMO_NAMES.integration,
    scopes: ['stores.view', 'stores.products.view', 'stores.orders.view', 'provisioning'],
  });
  const webapp = await create('credentials', {
    kind: 'webapp',
    name: DEMO_NAMES.webapp,
    redirect_uris: [DEMO_REDIRECT_URI],
    scopes: ['stores.view', 'stores.products.view'],
  });

  const staffPassword = randomAlphanumeric(random, 16);
  const staffId = await demoStaff(service, staffPassword);
  await service.create(SYSTEM, 'memberships', storeId, { user_id: staffId, role: 'owner' });
  const customerPassword = randomAlphanumeric(random, 16);
  const customerId = await idOf('customers', { email: CUSTOMER_EMAIL, password: customerPassword, customer_group_id: vipGroup });

  await seedCatalog(create, idOf, { eurList, vipList, euWarehouse, usWarehouse });
  await seedLiveCatalog(service, storeId);

  return {
    storeId,
    storeSlug: 'demo',
    mode: 'test',
    markets: [
      { id: europe, code: 'europe', private: false },
      { id: vip, code: 'vip', private: true },
    ],
    salesChannel: { id: salesChannel.record.id, clientId: salesChannel.record.client_id as string },
    integration: {
      id: integration.record.id,
      clientId: integration.record.client_id as string,
      clientSecret: integration.secret as string,
    },
    webapp: {
      id: webapp.record.id,
      clientId: webapp.record.client_id as string,
      clientSecret: webapp.secret as string,
      redirectUri: DEMO_REDIRECT_URI,
    },
    staff: { id: staffId, email: STAFF_EMAIL, password: staffPassword },
    customer: { id: customerId, email: CUSTOMER_EMAIL, password: customerPassword },
  };
}

/** The demo staff user outlives a deleted demo store (users are server-wide): reuse it with a new password. */
async function demoStaff(service: ProvisioningService, password: string): Promise<string> {
  const existing = (await service.list(SYSTEM, 'users', undefined)).find((u) => u.email === STAFF_EMAIL);
  if (existing) return (await service.update(SYSTEM, 'users', undefined, existing.id, { password })).id;
  return (await service.create(SYSTEM, 'users', undefined, { email: STAFF_EMAIL, password, name: 'Demo Staff' })).record.id;
}

type Create = (collection: Parameters<ProvisioningService['create']>[1], body: Record<string, unknown>) => Promise<unknown>;
type IdOf = (collection: Parameters<ProvisioningService['create']>[1], body: Record<string, unknown>) => Promise<string>;

/** The test-mode catalog: sellable in europe, the t-shirt (both warehouses) and the mug (US only); the hoodie only in vip. */
async function seedCatalog(
  create: Create,
  idOf: IdOf,
  ids: { eurList: string; vipList: string; euWarehouse: string; usWarehouse: string },
): Promise<void> {
  const { eurList, vipList, euWarehouse, usWarehouse } = ids;
  const catalog = [
    {
      code: 'TSHIRT-BLUE',
      name: 'Blue T-shirt',
      prices: [
        [eurList, 1990],
        [vipList, 1590],
      ],
      stock: [
        [euWarehouse, 25],
        [usWarehouse, 10],
      ],
    },
    { code: 'MUG', name: 'Countersign mug', prices: [[eurList, 1200]], stock: [[usWarehouse, 0]] },
    { code: 'HOODIE-VIP', name: 'Members’ hoodie', prices: [[vipList, 4900]], stock: [[euWarehouse, 5]] },
  ] as const;
  for (const item of catalog) {
    const skuId = await idOf('skus', { code: item.code, name: item.name });
    for (const [priceListId, amount] of item.prices)
      await create('prices', { sku_id: skuId, price_list_id: priceListId, amount_cents: amount });
    for (const [locationId, quantity] of item.stock)
      await create('stock_items', { sku_id: skuId, stock_location_id: locationId, quantity });
  }
}

/**
 * A little live-mode data: an app's API key and a live credential's tokens act on live records only
 * (SPEC §1), so without these the app walk-through would find an empty store.
 */
async function seedLiveCatalog(service: ProvisioningService, storeId: string): Promise<void> {
  const idOf: IdOf = async (collection, body) => (await service.create(SYSTEM, collection, storeId, { mode: 'live', ...body })).record.id;
  const warehouse = await idOf('stock_locations', { code: 'eu_warehouse', name: 'EU warehouse' });
  const eur = await idOf('price_lists', { code: 'eur', name: 'Euro prices', currency: 'EUR' });
  await idOf('markets', { code: 'europe', name: 'Europe', active: true, price_list_id: eur, stock_location_ids: [warehouse] });
  const sku = await idOf('skus', { code: 'TSHIRT-BLUE', name: 'Blue T-shirt' });
  await idOf('prices', { sku_id: sku, price_list_id: eur, amount_cents: 1990 });
  await idOf('stock_items', { sku_id: sku, stock_location_id: warehouse, quantity: 40 });
}
