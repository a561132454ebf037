import { revokeGrants } from '../grants/revoke-grant';
import type { CollectionName } from '../model/collection-name';
import type { RevocationReason } from '../model/grant';
import type { GrantSelector } from '../model/grant-revocation';
import type { ChangePublisher } from '../ports/change-publisher';
import type { ProvisionedRecord, ProvisioningTransaction, RecordValues } from '../ports/provisioning-store';

/** A provisioning write's transaction, who made it, when (epoch ms), and the outbox told after its commit. */
export interface RevocationContext {
  readonly tx: ProvisioningTransaction;
  readonly outbox: ChangePublisher;
  readonly actor: string;
  readonly at: number;
}

const revoke = (ctx: RevocationContext, selector: GrantSelector, reason: RevocationReason) =>
  revokeGrants(ctx.tx, ctx.outbox, selector, { reason, actor: ctx.actor, at: ctx.at });

/** What a provisioning write did to grants: ids revoked, and ids of app grants that only lost a store. */
export interface GrantEffects {
  readonly revoked: readonly string[];
  readonly narrowed: readonly string[];
}

const merge = (...effects: GrantEffects[]): GrantEffects => ({
  revoked: [...new Set(effects.flatMap((e) => e.revoked))],
  narrowed: [...new Set(effects.flatMap((e) => e.narrowed))].filter((id) => !effects.some((e) => e.revoked.includes(id))),
});

const MANAGING_ROLES = new Set(['owner', 'admin']);

/**
 * SPEC §1, §2: the authorizing user no longer manages `storeId`. An app could only be granted the store
 * by its owner or an admin, so the store leaves the user's app grants, and a grant left with no store
 * is revoked. `ownerUserId` undefined: every app grant on the store (the store itself is going away).
 */
async function withdrawStoreFromAppGrants(ctx: RevocationContext, storeId: string, ownerUserId: string | undefined): Promise<GrantEffects> {
  const affected = await ctx.tx.liveGrantIdsOnStore(storeId, {
    clientKinds: ['app'],
    ...(ownerUserId === undefined ? {} : { ownerUserId }),
  });
  const emptied = await ctx.tx.removeStoreFromGrants(affected, storeId);
  const revoked = await revoke(ctx, { ids: emptied }, 'role_lost');
  return { revoked, narrowed: affected.filter((id) => !emptied.includes(id)) };
}

/**
 * The grants a PATCH ends (SPEC §1), applied in the write's own transaction before the record itself
 * changes, so that a write that fails takes the revocations down with it. `null`: this write is not a
 * cause at all (its audit entry says nothing about grants).
 */
export async function grantEffectsOfUpdate(
  ctx: RevocationContext,
  collection: CollectionName,
  before: ProvisionedRecord,
  patch: RecordValues,
): Promise<GrantEffects | null> {
  switch (collection) {
    case 'customers':
    case 'users': {
      // Any password set through the API counts as a change: whoever sets it may be locking someone out.
      if (patch.password === undefined) return null;
      const owner = { type: collection === 'users' ? ('user' as const) : ('customer' as const), id: before.id };
      // SPEC §3: the person's sign-in sessions end with the old password.
      await ctx.tx.endSessionsOf(owner);
      return { revoked: await revoke(ctx, { owner }, 'password_changed'), narrowed: [] };
    }
    case 'memberships': {
      const losesManagement =
        MANAGING_ROLES.has(String(before.role)) && patch.role !== undefined && !MANAGING_ROLES.has(String(patch.role));
      if (!losesManagement) return null;
      // A webapp admits members (SPEC §2): its grants stay, and the next refresh narrows them to `*.view`.
      return withdrawStoreFromAppGrants(ctx, String(before.store_id), String(before.user_id));
    }
    default:
      return null;
  }
}

/**
 * The grants a DELETE ends (SPEC §1), applied in the write's own transaction before the record goes
 * (a store's credentials must still be there to be found; the cascade removes them afterwards).
 */
export async function grantEffectsOfDelete(
  ctx: RevocationContext,
  collection: CollectionName,
  before: ProvisionedRecord,
): Promise<GrantEffects | null> {
  const { tx } = ctx;
  switch (collection) {
    case 'credentials':
    case 'apps':
      return { revoked: await revoke(ctx, { clientId: String(before.client_id) }, 'client_deleted'), narrowed: [] };
    case 'customers':
      await tx.endSessionsOf({ type: 'customer', id: before.id });
      return { revoked: await revoke(ctx, { owner: { type: 'customer', id: before.id } }, 'owner_deleted'), narrowed: [] };
    case 'users': {
      await tx.endSessionsOf({ type: 'user', id: before.id });
      const owned = await revoke(ctx, { owner: { type: 'user', id: before.id } }, 'owner_deleted');
      // The user's apps go with the user (ON DELETE CASCADE), and so do the grants other people gave them.
      const ofApps = await revokeClients(ctx, await tx.clientIdsOf({ ownerUserId: before.id }));
      return merge({ revoked: owned, narrowed: [] }, ofApps);
    }
    case 'memberships': {
      const storeId = String(before.store_id);
      const userId = String(before.user_id);
      const apps = await withdrawStoreFromAppGrants(ctx, storeId, userId);
      // No role at all: a webapp no longer admits the user to this store.
      const webappGrants = await tx.liveGrantIdsOnStore(storeId, { clientKinds: ['webapp'], ownerUserId: userId });
      return merge(apps, { revoked: await revoke(ctx, { ids: webappGrants }, 'role_lost'), narrowed: [] });
    }
    case 'stores': {
      // The store's credentials (and its customers and memberships) go with it by cascade.
      const ofCredentials = await revokeClients(ctx, await tx.clientIdsOf({ storeId: before.id }));
      return merge(ofCredentials, await withdrawStoreFromAppGrants(ctx, before.id, undefined));
    }
    default:
      return null;
  }
}

async function revokeClients(ctx: RevocationContext, clientIds: readonly string[]): Promise<GrantEffects> {
  const revoked: string[] = [];
  for (const clientId of clientIds) revoked.push(...(await revoke(ctx, { clientId }, 'client_deleted')));
  return { revoked, narrowed: [] };
}

/**
 * What the cause's audit entry says about grants: counts only (the ids are in the grants' own
 * records), and only when there is something to say, so that other entries keep their shape.
 */
export function grantAuditDetails(effects: GrantEffects | null): Record<string, number> {
  const details: Record<string, number> = {};
  if (effects !== null && effects.revoked.length > 0) details.revoked_grants = effects.revoked.length;
  if (effects !== null && effects.narrowed.length > 0) details.narrowed_grants = effects.narrowed.length;
  return details;
}
