import type { Random } from '../core/ports/random';
import type { SystemActor } from '../core/provisioning/provisioning-actor';
import type { ProvisioningService } from '../core/provisioning/provisioning-service';
import { randomAlphanumeric } from '../core/secrets/random-alphanumeric';
import { findDemo } from './demo-summary';
import { type DemoSeed, seedDemo } from './seed-demo';

const SYSTEM: SystemActor = { kind: 'system' };

export class DemoIncompleteError extends Error {
  constructor(missing: readonly string[]) {
    super(
      `the demo store lacks ${missing.join(', ')} (deleted or renamed since it was seeded): delete the store "demo" ` +
        '(or the data directory) and start again to seed a fresh one',
    );
    this.name = 'DemoIncompleteError';
  }
}

/**
 * `npm run demo:reset`: new secrets for the demo credentials and new passwords for the demo people,
 * through the audited provisioning service. The old secrets stop at once (a compromised rotation), so
 * whoever read the old ones can do nothing more. Seeds the store when there is none.
 */
export async function resetDemo(service: ProvisioningService, random: Random, issuer: string): Promise<DemoSeed> {
  const found = await findDemo(service);
  if (!found) {
    const seeded = await seedDemo(service, random, issuer);
    if (seeded) return seeded;
  }
  const demo = found ?? (await findDemo(service));
  const { salesChannel, integration, webapp, staff, customer } = demo ?? {};
  if (!demo || !salesChannel || !integration || !webapp || !staff || !customer) {
    const parts = { 'sales channel': salesChannel, integration, webapp, 'staff user': staff, shopper: customer };
    throw new DemoIncompleteError(Object.entries(parts).flatMap(([name, part]) => (part ? [] : [name])));
  }
  const rotate = async (id: string) =>
    (await service.rotateSecret(SYSTEM, 'credentials', demo.storeId, id, { compromised: true })).clientSecret;
  const integrationSecret = await rotate(integration.id);
  const webappSecret = await rotate(webapp.id);
  const staffPassword = randomAlphanumeric(random, 16);
  await service.update(SYSTEM, 'users', undefined, staff.id, { password: staffPassword });
  const customerPassword = randomAlphanumeric(random, 16);
  await service.update(SYSTEM, 'customers', demo.storeId, customer.id, { password: customerPassword });
  const markets = (await service.list(SYSTEM, 'markets', demo.storeId, 'test')).map((m) => ({
    id: m.id,
    code: String(m.code),
    private: m.customer_group_id !== null && m.customer_group_id !== undefined,
  }));
  return {
    storeId: demo.storeId,
    storeSlug: 'demo',
    mode: 'test',
    markets,
    salesChannel,
    integration: { ...integration, clientSecret: integrationSecret },
    webapp: { ...webapp, clientSecret: webappSecret, redirectUri: `${issuer}/demo/callback` },
    staff: { ...staff, password: staffPassword },
    customer: { ...customer, password: customerPassword },
  };
}
