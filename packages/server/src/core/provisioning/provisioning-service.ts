import { ChangeOutbox } from '../change-outbox';
import { InsufficientScopeError } from '../errors/oauth-errors';
import { RecordConflictError, RecordNotFoundError, RecordValidationError, type ValidationProblem } from '../errors/record-errors';
import { revokeGrant, revokeGrants } from '../grants/revoke-grant';
import type { AuditEntryRecord, AuditLogQuery } from '../model/audit-log';
import type { CollectionName } from '../model/collection-name';
import type { Mode } from '../model/mode';
import type { RecordChange } from '../model/record-change';
import type { Clock } from '../ports/clock';
import {
  ConstraintViolation,
  type GrantRecord,
  type ProvisionedRecord,
  type ProvisioningReader,
  type ProvisioningStore,
  type ProvisioningTransaction,
  type RecordScope,
  type RecordValues,
} from '../ports/provisioning-store';
import type { Random } from '../ports/random';
import { passwordHasher } from '../secrets/password-hasher';
import { newClientSecret, newId } from '../secrets/random-alphanumeric';
import { checkAccess, type ProvisioningOperation, signUpOnly } from './check-access';
import type { AnyCollection, PrepareTools, ProvisioningPolicy } from './collection-definition';
import { canSeeGrant, checkGrantListing, grantViewOf } from './grant-access';
import { grantAuditDetails, type RevocationContext } from './grant-effects';
import type { GrantListFilter } from './grant-list-query';
import type { PageQuery } from './parse-page-query';
import { checkPersonAccess, checkStoreRole, personScope } from './person-access-rule';
import { actorLabel, type ProvisioningActor } from './provisioning-actor';
import { provisioningCollections } from './provisioning-collections';
import { STORES_TABLE } from './store-table';
import { zodProblems } from './zod-problems';

export interface ProvisioningServiceOptions {
  readonly store: ProvisioningStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly secretHasher: { hash(secret: string): string };
  /**
   * Told after each commit, so the token path's caches drop what changed; a revoked grant is told as
   * `{collection: 'grants', id}` besides the record whose change revoked it.
   */
  readonly changes: { publish(change: RecordChange): void };
  /** `secretOverlap`: seconds a rotated secret keeps working (COUNTERSIGN_SECRET_OVERLAP). */
  readonly policy: ProvisioningPolicy & { readonly secretOverlap: number };
  /** scrypt by default; tests may pass a cheaper one. */
  readonly hashPassword?: (password: string) => Promise<string>;
}

export interface CreatedRecord {
  readonly record: ProvisionedRecord;
  /** The client secret of a new confidential client: answered once, never stored in clear. */
  readonly secret?: string;
}

export interface RotatedSecret {
  readonly clientSecret: string;
  /** ISO-8601: until then the previous secret keeps working. */
  readonly previousSecretExpiresAt: string;
}

/**
 * The provisioning API of SPEC §5 for every collection: validate → check the actor → write the record
 * and its audit entry in one transaction → tell the change hub. The differences between collections
 * live in their definitions (collections/*.ts).
 */
export class ProvisioningService {
  readonly #o: ProvisioningServiceOptions;
  readonly #tools: PrepareTools;

  constructor(options: ProvisioningServiceOptions) {
    this.#o = options;
    this.#tools = {
      random: options.random,
      hashSecret: (secret) => options.secretHasher.hash(secret),
      hashPassword: options.hashPassword ?? ((password) => passwordHasher.hash(password)),
    };
  }

  async create(actor: ProvisioningActor, collection: CollectionName, storeId: string | undefined, body: unknown): Promise<CreatedRecord> {
    const def = provisioningCollections[collection];
    checkAccess(actor, def, 'create', storeId);
    const input = await this.#parse(def.createSchema(this.#o.policy), body);
    const mode = def.scope === 'store_mode' ? (input.mode as Mode) : undefined;
    if (actor.kind === 'store' && mode !== undefined && mode !== actor.mode) {
      throw new InsufficientScopeError(`this token may only provision ${actor.mode} mode`);
    }
    // Hashing (scrypt) happens before the transaction so that no connection waits on it.
    const prepared = def.prepareCreate ? await def.prepareCreate(input, this.#tools) : { values: input };
    const at = this.#now();
    const id = newId(this.#o.random);
    const values: RecordValues = {
      id,
      ...(def.scope === 'global' ? {} : { store_id: storeId }),
      ...prepared.values,
      created_at: at,
      updated_at: at,
    };

    const record = await this.#write(def, 'create', async (tx) => {
      await this.#requireStore(tx, def, storeId);
      await checkPersonAccess(tx, actor, def, 'create', storeId, input);
      await this.#checkReferences(tx, def, input, storeId, mode);
      await def.checkWrite?.({ tx, actor, storeId, before: undefined, after: input });
      const created = await tx.insert(def.table, values);
      await this.#audit(tx, actor, def, 'create', created, storeId, { record: created });
      return created;
    });
    this.#o.changes.publish({ collection: def.name, id });
    return prepared.secret === undefined ? { record } : { record, secret: prepared.secret };
  }

  /** Oldest first; one page of it with `page` (the provisioning API), all of it without (the dashboard). */
  async list(
    actor: ProvisioningActor,
    collection: CollectionName,
    storeId: string | undefined,
    mode?: Mode,
    page?: PageQuery,
  ): Promise<ProvisionedRecord[]> {
    const def = provisioningCollections[collection];
    checkAccess(actor, def, 'list', storeId);
    await this.#requireStore(this.#o.store, def, storeId);
    await checkPersonAccess(this.#o.store, actor, def, 'list', storeId);
    const scope = { ...this.#scope(actor, def, storeId), page };
    if (def.scope !== 'store_mode' || mode === undefined) return this.#o.store.list(def.table, scope);
    // A token's other mode has no records at all (SPEC §1).
    if (scope.mode !== undefined && scope.mode !== mode) return [];
    return this.#o.store.list(def.table, { ...scope, mode });
  }

  async read(actor: ProvisioningActor, collection: CollectionName, storeId: string | undefined, id: string): Promise<ProvisionedRecord> {
    const def = provisioningCollections[collection];
    checkAccess(actor, def, 'read', storeId, id);
    await this.#requireStore(this.#o.store, def, storeId);
    await checkPersonAccess(this.#o.store, actor, def, 'read', storeId);
    return this.#find(this.#o.store, actor, def, storeId, id);
  }

  async update(
    actor: ProvisioningActor,
    collection: CollectionName,
    storeId: string | undefined,
    id: string,
    body: unknown,
  ): Promise<ProvisionedRecord> {
    const def = provisioningCollections[collection];
    checkAccess(actor, def, 'update', storeId, id);
    const patch = await this.#parse(def.updateSchema(this.#o.policy), body);
    const values = def.prepareUpdate ? await def.prepareUpdate(patch, this.#tools) : patch;

    const record = await this.#write(def, 'update', async (tx, outbox) => {
      await this.#requireStore(tx, def, storeId);
      await checkPersonAccess(tx, actor, def, 'update', storeId, patch);
      const existing = await this.#find(tx, actor, def, storeId, id);
      await this.#checkReferences(tx, def, patch, storeId, existing.mode as Mode | undefined);
      const problems = def.checkPatched?.({ ...existing, ...patch }) ?? [];
      if (problems.length > 0) throw new RecordValidationError(problems);
      await def.checkWrite?.({ tx, actor, storeId, before: existing, after: patch });
      // SPEC §1: a password change or a lost role ends grants in this very transaction.
      const effects = (await def.effects?.onUpdate?.(this.#causes(tx, outbox, actor), existing, patch)) ?? null;
      const updated = await tx.update(def.table, id, { ...values, updated_at: this.#now() });
      // Field names only: a new password (or any value) stays out of the log.
      await this.#audit(tx, actor, def, 'update', updated, storeId, { changed: Object.keys(patch), ...grantAuditDetails(effects) });
      return updated;
    });
    this.#o.changes.publish({ collection: def.name, id });
    return record;
  }

  async remove(actor: ProvisioningActor, collection: CollectionName, storeId: string | undefined, id: string): Promise<void> {
    const def = provisioningCollections[collection];
    checkAccess(actor, def, 'delete', storeId, id);
    await this.#write(def, 'delete', async (tx, outbox) => {
      await this.#requireStore(tx, def, storeId);
      await checkPersonAccess(tx, actor, def, 'delete', storeId);
      const existing = await this.#find(tx, actor, def, storeId, id);
      await def.checkWrite?.({ tx, actor, storeId, before: existing, after: undefined });
      // SPEC §1: the grants the record carries die in this very transaction.
      const effects = (await def.effects?.onDelete?.(this.#causes(tx, outbox, actor), existing)) ?? null;
      await tx.remove(def.table, id);
      await this.#audit(tx, actor, def, 'delete', existing, storeId, grantAuditDetails(effects));
    });
    // SPEC §1: a deleted credential or app ends every token it obtained; resource servers learn it here.
    this.#o.changes.publish({ collection: def.name, id, ...(endsTokens(def.name) ? { tokensEndedAt: this.#nowSeconds() } : {}) });
  }

  /**
   * SPEC §5 `GET /stores/{id}/audit_entries`: the store's audit log, newest first, a page at a time.
   * A store-bound token reads its own store's log, entries of its own mode and those without one; a
   * person, the log of a store where they have a role (SPEC §7: members may look).
   */
  async listAuditEntries(actor: ProvisioningActor, storeId: string, query: AuditLogQuery): Promise<AuditEntryRecord[]> {
    if (actor.kind === 'store' && actor.storeId !== storeId) throw new InsufficientScopeError('this token may only act on its own store');
    if (actor.kind === 'signup') throw signUpOnly();
    if ((await this.#o.store.find(STORES_TABLE, storeId, {})) === null) throw new RecordNotFoundError('store', storeId);
    if (actor.kind === 'user') await checkStoreRole(this.#o.store, actor.userId, storeId, 'look');
    return this.#o.store.listAuditEntries({ storeId, ...(actor.kind === 'store' ? { mode: actor.mode } : {}) }, query);
  }

  /** SPEC §5 `GET /grants?user_id=…|client_id=…`: oldest first, revoked ones included. */
  async listGrants(actor: ProvisioningActor, filter: GrantListFilter, page?: PageQuery): Promise<GrantRecord[]> {
    checkGrantListing(actor, filter);
    return this.#o.store.listGrants({ ...filter, ...grantViewOf(actor) }, page);
  }

  /**
   * SPEC §5 `DELETE /grants/{id}`: revokes the grant and, with it, everything issued under it. Revoking
   * a grant that is already revoked changes nothing and is not audited again (idempotent DELETE).
   */
  async revokeGrant(actor: ProvisioningActor, id: string): Promise<void> {
    await this.#transaction(async (tx, outbox) => {
      const grant = await tx.findGrant(id);
      if (grant === null || !canSeeGrant(actor, grant)) throw new RecordNotFoundError('grant', id);
      // The UPDATE decides: of two concurrent revokes only one finds the grant live, audits and publishes.
      await revokeGrant(tx, outbox, id, { reason: 'revoked_by_admin', actor: actorLabel(actor), at: this.#o.clock.now() });
    });
  }

  /**
   * A new secret for a confidential credential or app; the old one keeps working for
   * `secretOverlap` seconds so that deployments can roll over without downtime (SPEC §5).
   *
   * `compromised` (SPEC §1): the old secret stops at once, and everything the client obtained with it
   * dies in the same transaction: its grants are revoked (refresh tokens, API keys and their access
   * tokens) and the tokens it obtained without a grant (client_credentials, guest) are refused by
   * every verifier (`tokens_invalid_before`, token-liveness.ts).
   */
  async rotateSecret(
    actor: ProvisioningActor,
    collection: CollectionName,
    storeId: string | undefined,
    id: string,
    options: { readonly compromised?: boolean } = {},
  ): Promise<RotatedSecret> {
    const def = provisioningCollections[collection];
    if (!def.rotatesSecret) throw new RecordNotFoundError(`${def.targetType} secret`, id);
    checkAccess(actor, def, 'rotate_secret', storeId, id);
    const compromised = options.compromised === true;
    const clientSecret = newClientSecret(this.#o.random);
    const hash = this.#o.secretHasher.hash(clientSecret);
    const now = this.#o.clock.now();
    const previousSecretExpiresAt = new Date(compromised ? now : now + this.#o.policy.secretOverlap * 1000).toISOString();

    await this.#write(def, 'rotate_secret', async (tx, outbox) => {
      await this.#requireStore(tx, def, storeId);
      await checkPersonAccess(tx, actor, def, 'rotate_secret', storeId);
      const existing = await this.#find(tx, actor, def, storeId, id);
      const rotation = { newHash: hash, previousExpiresAt: previousSecretExpiresAt, at: new Date(now).toISOString(), compromised };
      if (!(await tx.rotateSecret(def.table, id, rotation))) {
        throw new RecordConflictError(`this ${def.targetType} is a public client and has no secret to rotate`);
      }
      const revoked = compromised
        ? await revokeGrants(
            tx,
            outbox,
            { clientId: String(existing.client_id) },
            { reason: 'secret_compromised', actor: actorLabel(actor), at: now },
          )
        : [];
      await this.#audit(tx, actor, def, 'rotate_secret', existing, storeId, {
        previous_secret_expires_at: previousSecretExpiresAt,
        ...(compromised ? { compromised: true, revoked_grants: revoked.length } : {}),
      });
    });
    this.#o.changes.publish({ collection: def.name, id, ...(compromised ? { tokensEndedAt: Math.floor(now / 1000) } : {}) });
    return { clientSecret, previousSecretExpiresAt };
  }

  async #parse(schema: ReturnType<AnyCollection['createSchema']>, body: unknown): Promise<RecordValues> {
    const result = await schema.safeParseAsync(body);
    if (!result.success) throw new RecordValidationError(zodProblems(result.error, body));
    return result.data;
  }

  /**
   * One transaction, with an outbox for the changes made in it (revoked grants): they are published
   * after the commit, and never when it rolls back.
   */
  async #transaction<T>(work: (tx: ProvisioningTransaction, outbox: ChangeOutbox) => Promise<T>): Promise<T> {
    const outbox = new ChangeOutbox();
    const result = await this.#o.store.transaction((tx) => work(tx, outbox));
    outbox.flushTo(this.#o.changes);
    return result;
  }

  /** What a write's grant and session effects need (grant-revocation-causes.ts). */
  #causes(tx: ProvisioningTransaction, outbox: ChangeOutbox, actor: ProvisioningActor): RevocationContext {
    return { tx, outbox, actor: actorLabel(actor), at: this.#o.clock.now() };
  }

  /** One transaction; a constraint the database enforced becomes the collection's 409. */
  async #write<T>(
    def: AnyCollection,
    operation: ProvisioningOperation,
    work: (tx: ProvisioningTransaction, outbox: ChangeOutbox) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.#transaction(work);
    } catch (error) {
      if (!(error instanceof ConstraintViolation)) throw error;
      if (error.constraint === 'unique') throw new RecordConflictError(def.uniqueConflict);
      throw new RecordConflictError(
        operation === 'delete'
          ? `this ${def.targetType} is still used by another record; change or delete that one first`
          : 'a record this one refers to was deleted meanwhile',
      );
    }
  }

  /** The scope a lookup runs in: the path's store, and the token's mode for a store-bound token. */
  #scope(actor: ProvisioningActor, def: AnyCollection, storeId: string | undefined): RecordScope {
    const own = personScope(actor, def);
    if (def.scope === 'global') return own;
    if (def.scope === 'store') return { storeId, ...own };
    return { storeId, mode: actor.kind === 'store' ? actor.mode : undefined, ...own };
  }

  async #find(
    reader: ProvisioningReader,
    actor: ProvisioningActor,
    def: AnyCollection,
    storeId: string | undefined,
    id: string,
  ): Promise<ProvisionedRecord> {
    const record = await reader.find(def.table, id, this.#scope(actor, def, storeId));
    if (record === null) throw new RecordNotFoundError(def.targetType, id);
    return record;
  }

  async #requireStore(reader: ProvisioningReader, def: AnyCollection, storeId: string | undefined): Promise<void> {
    if (def.scope === 'global') return;
    if (storeId === undefined || (await reader.find(STORES_TABLE, storeId, {})) === null)
      throw new RecordNotFoundError('store', storeId ?? '');
  }

  /** SPEC §1: a reference names a record of the same store and mode; each miss is listed with its pointer. */
  async #checkReferences(
    reader: ProvisioningReader,
    def: AnyCollection,
    fields: RecordValues,
    storeId: string | undefined,
    mode: Mode | undefined,
  ): Promise<void> {
    const problems: ValidationProblem[] = [];
    for (const rule of def.references) {
      const value = fields[rule.field];
      if (value === undefined || value === null) continue;
      const target = provisioningCollections[rule.collection];
      const scope: RecordScope = target.scope === 'global' ? {} : { storeId, mode: target.scope === 'store_mode' ? mode : undefined };
      const ids = rule.many ? (value as string[]) : [value as string];
      for (const [index, id] of ids.entries()) {
        if ((await reader.find(target.table, id, scope)) !== null) continue;
        problems.push({
          pointer: rule.many ? `/${rule.field}/${index}` : `/${rule.field}`,
          title: 'Invalid reference',
          detail:
            target.scope === 'global'
              ? `no ${target.targetType} ${id} exists`
              : `no ${target.targetType} ${id} exists in this store and mode`,
        });
      }
    }
    if (problems.length > 0) throw new RecordValidationError(problems);
  }

  async #audit(
    tx: ProvisioningTransaction,
    actor: ProvisioningActor,
    def: AnyCollection,
    operation: ProvisioningOperation,
    target: ProvisionedRecord,
    storeId: string | undefined,
    details: Record<string, unknown>,
  ): Promise<void> {
    await tx.audit({
      storeId: def.auditStoreId ? def.auditStoreId(target, storeId) : (storeId ?? null),
      mode: def.scope === 'store_mode' ? (target.mode as Mode) : null,
      actor: actorLabel(actor),
      action: `${def.targetType}.${operation}`,
      targetType: def.targetType,
      targetId: target.id,
      details,
      at: this.#now(),
    });
  }

  #nowSeconds(): number {
    return Math.floor(this.#o.clock.now() / 1000);
  }

  #now(): string {
    return new Date(this.#o.clock.now()).toISOString();
  }
}

/** The collections whose records are OAuth clients: deleting one ends its tokens (SPEC §1). */
const endsTokens = (collection: CollectionName): boolean => collection === 'credentials' || collection === 'apps';
