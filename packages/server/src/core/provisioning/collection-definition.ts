import type { z } from 'zod';
import type { ValidationProblem } from '../errors/record-errors';
import type { CollectionName } from '../model/collection-name';
import type { ProvisionedRecord, ProvisioningTransaction, RecordValues } from '../ports/provisioning-store';
import type { Random } from '../ports/random';
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
 * Everything that makes one provisioning collection different from another; the service, the
 * repository and the route registrar are generic over it.
 */
export interface CollectionDefinition {
  readonly name: CollectionName;
  /** Singular, for the audit log (`credential.create`) and messages. */
  readonly targetType: string;
  readonly scope: CollectionScope;
  /** What a store-bound token may do here (an admin may do everything). */
  readonly storeActor: 'allowed' | 'forbidden' | 'own_store_only';
  readonly createSchema: (policy: ProvisioningPolicy) => z.ZodType<RecordValues>;
  /** Patchable fields, no defaults (an omitted field stays as it is). */
  readonly updateSchema: (policy: ProvisioningPolicy) => z.ZodType<RecordValues>;
  readonly references: readonly ReferenceRule[];
  /** Detail of the 409 when a unique key is taken. */
  readonly uniqueConflict: string;
  /** Input → stored values (hashes passwords, issues client ids and secrets); identity by default. */
  readonly prepareCreate?: (input: RecordValues, tools: PrepareTools) => Promise<PreparedCreate>;
  readonly prepareUpdate?: (input: RecordValues, tools: PrepareTools) => Promise<RecordValues>;
  /** Rules across fields that must hold for the record after a patch (a webapp keeps 1–10 redirect URIs). */
  readonly checkPatched?: (patched: ProvisionedRecord) => ValidationProblem[];
  /** Has a client secret that `rotate_secret` can replace. */
  readonly rotatable?: boolean;
  /**
   * Rules across records, checked inside the write's transaction before it is made (`after` absent on
   * delete, `before` absent on create): the owner rule of memberships, say. Throws to refuse.
   */
  readonly checkWrite?: (write: CollectionWrite) => Promise<void>;
}

/** What `checkWrite` sees of a write. */
export interface CollectionWrite {
  readonly tx: ProvisioningTransaction;
  readonly actor: ProvisioningActor;
  readonly storeId: string | undefined;
  readonly before: ProvisionedRecord | undefined;
  readonly after: RecordValues | undefined;
}
