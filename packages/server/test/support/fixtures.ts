import type { Kysely } from 'kysely';
import type { Database } from '../../src/adapters/sql/database-schema';
import { cryptoRandom } from '../../src/adapters/system/crypto-random';
import type { CredentialKind } from '../../src/core/model/client';
import type { Mode } from '../../src/core/model/mode';
import type { RecordChange } from '../../src/core/model/record-change';
import { passwordHasher } from '../../src/core/secrets/password-hasher';
import { newClientSecret, newId } from '../../src/core/secrets/random-alphanumeric';
import type { SecretHasher } from '../../src/core/secrets/secret-hasher';

const now = '2026-11-22T12:00:00.000Z';
const stamps = { created_at: now, updated_at: now };

/**
 * Rows written straight into the database, for tests of the OAuth endpoints that should not depend
 * on the provisioning API. The provisioning API has its own tests. Given the app's change hub, each
 * write of a person, a membership or a store is published as the provisioning API publishes a
 * committed write, so that the token path's caches (ADR 0031) see it as they would in production.
 */
export class Fixtures {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly hasher: SecretHasher,
    private readonly changes?: { publish(change: RecordChange): void },
  ) {}

  async store(slug = `store-${newId(cryptoRandom).slice(0, 6).toLowerCase()}`) {
    const id = newId(cryptoRandom);
    await this.db
      .insertInto('stores')
      .values({ id, slug, name: slug, currency: 'EUR', ...stamps })
      .execute();
    this.changes?.publish({ collection: 'stores', id });
    return { id, slug };
  }

  async stockLocation(storeId: string, mode: Mode, code: string) {
    const id = newId(cryptoRandom);
    await this.db
      .insertInto('stock_locations')
      .values({ id, store_id: storeId, mode, code, name: code, ...stamps })
      .execute();
    return { id, code };
  }

  async priceList(storeId: string, mode: Mode, code: string) {
    const id = newId(cryptoRandom);
    await this.db
      .insertInto('price_lists')
      .values({ id, store_id: storeId, mode, code, name: code, currency: 'EUR', ...stamps })
      .execute();
    return { id, code };
  }

  async customerGroup(storeId: string, mode: Mode) {
    const id = newId(cryptoRandom);
    await this.db
      .insertInto('customer_groups')
      .values({ id, store_id: storeId, mode, name: 'group', ...stamps })
      .execute();
    return { id };
  }

  async market(
    storeId: string,
    mode: Mode,
    code: string,
    options: { active?: boolean; priceListId: string; stockLocationIds?: string[]; customerGroupId?: string },
  ) {
    const id = newId(cryptoRandom);
    await this.db
      .insertInto('markets')
      .values({
        id,
        store_id: storeId,
        mode,
        code,
        name: code,
        active: options.active === false ? 0 : 1,
        price_list_id: options.priceListId,
        customer_group_id: options.customerGroupId ?? null,
        ...stamps,
      })
      .execute();
    const locations = options.stockLocationIds ?? [];
    if (locations.length > 0) {
      await this.db
        .insertInto('market_stock_locations')
        .values(locations.map((stockLocationId, position) => ({ market_id: id, stock_location_id: stockLocationId, position })))
        .execute();
    }
    return { id, code };
  }

  async customer(storeId: string, mode: Mode, email: string, password: string, customerGroupId?: string) {
    const id = newId(cryptoRandom);
    await this.db
      .insertInto('customers')
      .values({
        id,
        store_id: storeId,
        mode,
        email,
        password_hash: await passwordHasher.hash(password),
        customer_group_id: customerGroupId ?? null,
        ...stamps,
      })
      .execute();
    this.changes?.publish({ collection: 'customers', id });
    return { id, email, password };
  }

  async user(email: string, password = 'correct horse battery') {
    const id = newId(cryptoRandom);
    await this.db
      .insertInto('users')
      .values({ id, email, name: email, password_hash: await passwordHasher.hash(password), ...stamps })
      .execute();
    this.changes?.publish({ collection: 'users', id });
    return { id, email, password };
  }

  async membership(storeId: string, userId: string, role: 'owner' | 'admin' | 'member') {
    const id = newId(cryptoRandom);
    await this.db
      .insertInto('memberships')
      .values({ id, store_id: storeId, user_id: userId, role, ...stamps })
      .execute();
    this.changes?.publish({ collection: 'memberships', id });
  }

  async credential(
    storeId: string,
    mode: Mode,
    kind: CredentialKind,
    options: { scopes?: string[]; expiresIn?: number; redirectUris?: string[]; jwks?: object; passwordGrant?: boolean } = {},
  ) {
    const id = newId(cryptoRandom);
    const clientId = newId(cryptoRandom) + newId(cryptoRandom);
    const secret = kind === 'sales_channel' ? undefined : newClientSecret(cryptoRandom);
    await this.db
      .insertInto('credentials')
      .values({
        id,
        store_id: storeId,
        mode,
        kind,
        name: `${kind} ${id}`,
        client_id: clientId,
        scopes: JSON.stringify(options.scopes ?? []),
        redirect_uris: JSON.stringify(options.redirectUris ?? []),
        secret_hash: secret === undefined ? null : this.hasher.hash(secret),
        previous_secret_hash: null,
        previous_secret_expires_at: null,
        expires_in: options.expiresIn ?? null,
        jwks: options.jwks ? JSON.stringify(options.jwks) : null,
        password_grant: options.passwordGrant === false ? 0 : 1,
        ...stamps,
      })
      .execute();
    return { id, clientId, secret };
  }
  /** A third-party app owned by `ownerUserId` (confidential unless said otherwise). */
  async app(ownerUserId: string, options: { confidential?: boolean; scopes?: string[]; redirectUris?: string[] } = {}) {
    const id = newId(cryptoRandom);
    const clientId = newId(cryptoRandom) + newId(cryptoRandom);
    const confidential = options.confidential !== false;
    const secret = confidential ? newClientSecret(cryptoRandom) : undefined;
    await this.db
      .insertInto('apps')
      .values({
        id,
        owner_user_id: ownerUserId,
        client_id: clientId,
        name: `app ${id}`,
        description: 'A test app',
        homepage: 'https://app.example',
        scopes: JSON.stringify(options.scopes ?? ['stores.view', 'stores.products.view']),
        redirect_uris: JSON.stringify(options.redirectUris ?? ['https://app.example/callback']),
        secret_hash: secret === undefined ? null : this.hasher.hash(secret),
        previous_secret_hash: null,
        previous_secret_expires_at: null,
        confidential: confidential ? 1 : 0,
        ...stamps,
      })
      .execute();
    return { id, clientId, secret };
  }
}
