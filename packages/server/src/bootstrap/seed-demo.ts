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
  readonly salesChannel: { readonly clientId: string };
  readonly integration: { readonly clientId: string; readonly clientSecret: string };
  readonly webapp: { readonly clientId: string; readonly clientSecret: string; readonly redirectUri: string };
  readonly staff: { readonly id: string; readonly email: string; readonly password: string };
  readonly customer: { readonly id: string; readonly email: string; readonly password: string };
}

const SYSTEM: SystemActor = { kind: 'system' };
const STAFF_EMAIL = 'staff@demo.invalid';
const CUSTOMER_EMAIL = 'shopper@demo.invalid';

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

  const salesChannel = await create('credentials', { kind: 'sales_channel', name: 'Demo storefront', scopes: [] });
  const integration = await create('credentials', {
    kind: 'integration',
    name: 'Demo integration',
    scopes: ['stores.view', 'stores.products.view', 'stores.orders.view', 'provisioning'],
  });
  const webapp = await create('credentials', {
    kind: 'webapp',
    name: 'Demo back office',
    redirect_uris: [DEMO_REDIRECT_URI],
    scopes: ['stores.view', 'stores.products.view'],
  });

  const staffPassword = randomAlphanumeric(random, 16);
  const staffId = await demoStaff(service, staffPassword);
  await service.create(SYSTEM, 'memberships', storeId, { user_id: staffId, role: 'owner' });
  const customerPassword = randomAlphanumeric(random, 16);
  const customerId = await idOf('customers', { email: CUSTOMER_EMAIL, password: customerPassword, customer_group_id: vipGroup });

  // Sellable in europe: the t-shirt (both warehouses) and the mug (US only); the hoodie only in vip.
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

  return {
    storeId,
    storeSlug: 'demo',
    mode: 'test',
    markets: [
      { id: europe, code: 'europe', private: false },
      { id: vip, code: 'vip', private: true },
    ],
    salesChannel: { clientId: salesChannel.record.client_id as string },
    integration: { clientId: integration.record.client_id as string, clientSecret: integration.secret as string },
    webapp: { clientId: webapp.record.client_id as string, clientSecret: webapp.secret as string, redirectUri: DEMO_REDIRECT_URI },
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
