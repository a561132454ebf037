import type { SystemActor } from '../core/provisioning/provisioning-actor';
import type { ProvisioningService } from '../core/provisioning/provisioning-service';
import { DEMO_NAMES } from './seed-demo';

/** The demo store's ids, without any secret: what every start prints once the store exists. */
export interface DemoIds {
  readonly storeId: string;
  readonly salesChannel: { readonly id: string; readonly clientId: string } | undefined;
  readonly integration: { readonly id: string; readonly clientId: string } | undefined;
  readonly webapp: { readonly id: string; readonly clientId: string } | undefined;
  readonly staff: { readonly id: string; readonly email: string } | undefined;
  readonly customer: { readonly id: string; readonly email: string } | undefined;
}

const SYSTEM: SystemActor = { kind: 'system' };

/**
 * Finds the demo store seeded at an earlier start, by its slug, and its credentials and people by
 * the names and emails the seed gave them. `undefined` when there is no demo store; a part someone
 * deleted or renamed since is `undefined` too.
 */
export async function findDemo(service: ProvisioningService): Promise<DemoIds | undefined> {
  const store = (await service.list(SYSTEM, 'stores', undefined)).find((s) => s.slug === DEMO_NAMES.store);
  if (!store) return undefined;
  const credentials = await service.list(SYSTEM, 'credentials', store.id, 'test');
  const credential = (kind: string, name: string) => {
    const found = credentials.find((c) => c.kind === kind && c.name === name);
    return found ? { id: found.id, clientId: String(found.client_id) } : undefined;
  };
  const staff = (await service.list(SYSTEM, 'users', undefined)).find((u) => u.email === DEMO_NAMES.staffEmail);
  const customer = (await service.list(SYSTEM, 'customers', store.id, 'test')).find((c) => c.email === DEMO_NAMES.customerEmail);
  return {
    storeId: store.id,
    salesChannel: credential('sales_channel', DEMO_NAMES.salesChannel),
    integration: credential('integration', DEMO_NAMES.integration),
    webapp: credential('webapp', DEMO_NAMES.webapp),
    staff: staff ? { id: staff.id, email: String(staff.email) } : undefined,
    customer: customer ? { id: customer.id, email: String(customer.email) } : undefined,
  };
}
