import { revokeGrants } from '../grants/revoke-grant';
import type { RevocationReason } from '../model/grant';
import type { GrantSelector } from '../model/grant-revocation';
import type { Owner } from '../model/owner';
import type { ChangePublisher } from '../ports/change-publisher';
import type { ProvisioningTransaction } from '../ports/provisioning-store';

/** A provisioning write's transaction, who made it, when (epoch ms), and the outbox told after its commit. */
export interface RevocationContext {
  readonly tx: ProvisioningTransaction;
  readonly outbox: ChangePublisher;
  readonly actor: string;
  readonly at: number;
}

/** What a provisioning write did to grants: ids revoked, and ids of app grants that only lost a store. */
export interface GrantEffects {
  readonly revoked: readonly string[];
  readonly narrowed: readonly string[];
}

/** Revokes what `selector` reaches, as part of the write (core/grants/revoke-grant.ts: audited, published after the commit). */
export async function revokeFor(ctx: RevocationContext, selector: GrantSelector, reason: RevocationReason): Promise<GrantEffects> {
  return { revoked: await revokeGrants(ctx.tx, ctx.outbox, selector, { reason, actor: ctx.actor, at: ctx.at }), narrowed: [] };
}

/** Several effects of one write as one (a grant revoked is not also narrowed). */
export const mergeEffects = (...effects: GrantEffects[]): GrantEffects => ({
  revoked: [...new Set(effects.flatMap((e) => e.revoked))],
  narrowed: [...new Set(effects.flatMap((e) => e.narrowed))].filter((id) => !effects.some((e) => e.revoked.includes(id))),
});

/**
 * SPEC §1, §2: the authorizing user no longer manages `storeId`. An app could only be granted the store
 * by its owner or an admin, so the store leaves the user's app grants, and a grant left with no store
 * is revoked. `ownerUserId` undefined: every app grant on the store (the store itself is going away).
 */
export async function withdrawStoreFromAppGrants(
  ctx: RevocationContext,
  storeId: string,
  ownerUserId: string | undefined,
): Promise<GrantEffects> {
  const affected = await ctx.tx.liveGrantIdsOnStore(storeId, {
    clientKinds: ['app'],
    ...(ownerUserId === undefined ? {} : { ownerUserId }),
  });
  const emptied = await ctx.tx.removeStoreFromGrants(affected, storeId);
  const { revoked } = await revokeFor(ctx, { ids: emptied }, 'role_lost');
  return { revoked, narrowed: affected.filter((id) => !emptied.includes(id)) };
}

/** SPEC §1: deleting a client (credential or app) revokes every grant it holds. */
export async function revokeClients(ctx: RevocationContext, clientIds: readonly string[]): Promise<GrantEffects> {
  const effects: GrantEffects[] = [];
  for (const clientId of clientIds) effects.push(await revokeFor(ctx, { clientId }, 'client_deleted'));
  return mergeEffects(...effects);
}

/**
 * SPEC §1, §3: a person's password set through the API (whoever sets it may be locking someone out)
 * ends their grants and their sign-in sessions.
 */
export async function passwordChanged(ctx: RevocationContext, person: Owner): Promise<GrantEffects> {
  await ctx.tx.endSessionsOf(person);
  return revokeFor(ctx, { owner: person }, 'password_changed');
}

/** SPEC §1, §3: a deleted person's grants and sign-in sessions end with them. */
export async function personDeleted(ctx: RevocationContext, person: Owner): Promise<GrantEffects> {
  await ctx.tx.endSessionsOf(person);
  return revokeFor(ctx, { owner: person }, 'owner_deleted');
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
