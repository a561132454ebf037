import type { z } from 'zod';
import type { ValidationProblem } from '../errors/record-errors';
import type { CollectionName } from '../model/collection-name';
import type { ProvisionedRecord, ProvisioningTransaction, RecordValues, TableSpec } from '../ports/provisioning-store';
import type { Random } from '../ports/random';
import type { GrantEffects, RevocationContext } from './grant-effects';
import type { ProvisioningActor } from './provisioning-actor';

/**
 * Where a collection lives: `global` (/stores, /users, /apps), `store` (under a store, no mode:
 * memberships) or `store_mode` (under a store and in one mode, SPEC §1).
 */
export type CollectionScope = 'global' | 'store' | 'store_mode';

/** The settings validation depends on (SPEC §3 redirect URIs in production, §3 lifetimes). */
export interface ProvisioningPolicy {
  readonly env: 'development' | 'production' | 'test';
  readonly tokenLifetimeMin: number;
  readonly tokenLifetimeMax: number;
}

/**
 * What a person signed in to the dashboard may do in a collection (SPEC §7; person-access-rule.ts):
 * - `own`: the records whose `field` names them (a developer's apps), and only those;
 * - `store_role`: the records of a store where they are a member: owners and admins change them,
 *   members may look.
 */
export type PersonAccess = { readonly rule: 'own'; readonly field: string } | { readonly rule: 'store_role' };

/** What `prepareCreate`/`prepareUpdate` may use to turn input into stored values. */
export interface PrepareTools {
  readonly random: Random;
  hashSecret(secret: string): string;
  hashPassword(password: string): Promise<string>;
}

export interface PreparedCreate {
  readonly values: RecordValues;
  /** A freshly issued client secret, answered once and never stored in clear. */
  readonly secret?: string;
}

/** A field that names another record, which must exist (in the same store and mode when scoped). */
export interface ReferenceRule {
  readonly field: string;
  readonly collection: CollectionName;
  /** The field holds a list of ids (markets' `stock_location_ids`). */
  readonly many?: boolean;
}

/**
 * The collection's routes under /provisioning/v1 (SPEC §5): the list path and the record path, and
 * which route parameter holds the record's id (`storeId` for /stores/{storeId} itself).
 */
export interface CollectionPaths {
  readonly base: string;
  readonly item: string;
  readonly idParam: 'id' | 'storeId';
}

/** `/users`, `/users/:id`: a collection of the whole server. */
export const serverPaths = (name: string): CollectionPaths => ({ base: `/${name}`, item: `/${name}/:id`, idParam: 'id' });

/** `/stores/:storeId/skus`, `/stores/:storeId/skus/:id`: a store's collection. */
export const storePaths = (name: string): CollectionPaths => ({
  base: `/stores/:storeId/${name}`,
  item: `/stores/:storeId/${name}/:id`,
  idParam: 'id',
});

/** What `checkWrite` sees of a write: `after` absent on delete, `before` absent on create. */
export interface CollectionWrite<Row> {
  readonly tx: ProvisioningTransaction;
  readonly actor: ProvisioningActor;
  readonly storeId: string | undefined;
  readonly before: Row | undefined;
  readonly after: RecordValues | undefined;
}

/**
 * Everything that makes one provisioning collection different from another. The service, the
 * repository and the route registrar are generic over it and name no collection: what a credential,
 * a market or a membership *does* is said here, in its own file, and nowhere else.
 *
 * `Row` is the record as the API shows it; `Create` and `Patch` are what the schemas parse.
 */
export interface CollectionDefinition<Row extends ProvisionedRecord = ProvisionedRecord, Create = RecordValues, Patch = RecordValues> {
  readonly name: CollectionName;
  /** Singular, for the audit log (`credential.create`) and messages. */
  readonly targetType: string;
  readonly scope: CollectionScope;
  /** Its table, and how the table's columns differ from the record's fields (the row codec). */
  readonly table: TableSpec;
  readonly paths: CollectionPaths;
  /** What a store-bound token may do here (an admin may do everything). */
  readonly storeActor: 'allowed' | 'forbidden' | 'own_store_only';
  /** What a person signed in to the dashboard may do here (person-access-rule.ts); absent: nothing. */
  readonly personAccess?: PersonAccess;
  readonly createSchema: (policy: ProvisioningPolicy) => z.ZodType<Create>;
  /** Patchable fields, no defaults (an omitted field stays as it is). */
  readonly updateSchema: (policy: ProvisioningPolicy) => z.ZodType<Patch>;
  readonly references: readonly ReferenceRule[];
  /** Detail of the 409 when a unique key is taken. */
  readonly uniqueConflict: string;
  /** Input → stored values (hashes passwords, issues client ids and secrets); identity by default. */
  readonly prepareCreate?: (input: Create, tools: PrepareTools) => Promise<PreparedCreate>;
  readonly prepareUpdate?: (patch: Patch, tools: PrepareTools) => Promise<RecordValues>;
  /** Rules across fields that must hold for the record after a patch (a webapp keeps 1–10 redirect URIs). */
  readonly checkPatched?: (patched: Row) => ValidationProblem[];
  /** Rules across records, checked inside the write's transaction before it is made (the owner rule). */
  readonly checkWrite?: (write: CollectionWrite<Row>) => Promise<void>;
  /**
   * SPEC §1: the grants (and sign-in sessions) a write ends, in the write's own transaction, before the
   * record changes. `null`: this write is no cause at all (its audit entry says nothing about grants).
   */
  readonly effects?: {
    readonly onUpdate?: (ctx: RevocationContext, before: Row, patch: Patch) => Promise<GrantEffects | null>;
    readonly onDelete?: (ctx: RevocationContext, before: Row) => Promise<GrantEffects | null>;
  };
  /**
   * The token path's caches a committed write to this collection makes stale (adapters/memory/
   * cached-directories.ts): the clients (credentials, apps, and stores whose slug tokens carry), the
   * markets (markets, their stock locations, their stores), the people (staff roles, customers, the
   * stores a user manages and stores' names, which the token path re-checks on every refresh:
   * memberships, customers, and the users and stores whose deletion takes theirs along).
   */
  readonly staleCaches?: readonly ('clients' | 'markets' | 'people')[];
  /** `POST {item}/rotate_secret` (SPEC §5): the record holds a client secret. */
  readonly rotatesSecret?: boolean;
  /** The store a record's audit entry belongs to; by default the path's store. */
  readonly auditStoreId?: (record: Row, storeId: string | undefined) => string | null;
}

/** A definition of any collection, as the generic service, repository and routes take it. */
export type AnyCollection = CollectionDefinition<ProvisionedRecord, RecordValues, RecordValues>;

/**
 * Declares a collection: `defineCollection<Row>()({...})`. `Row` is the record as the API shows it;
 * what the create and update schemas parse is inferred from them, so a hook that reads a field the
 * schema does not give, or that the record does not have, is a type error. The result is the erased
 * form the generic service, repository and routes take.
 */
export function defineCollection<Row extends ProvisionedRecord>() {
  return <Create extends RecordValues, Patch extends RecordValues>(definition: CollectionDefinition<Row, Create, Patch>): AnyCollection =>
    definition as unknown as AnyCollection;
}
