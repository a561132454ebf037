import type { Mode } from '../model/mode';

/** The bootstrap admin token (COUNTERSIGN_ADMIN_TOKEN): every store, every collection. */
export interface AdminActor {
  readonly kind: 'admin';
}

/**
 * A token with the `provisioning` permission scope (SPEC §5): its own store and its own mode only,
 * and never the server-wide collections (creating, listing or deleting stores, users, apps).
 */
export interface StoreActor {
  readonly kind: 'store';
  readonly storeId: string;
  readonly mode: Mode;
  readonly clientId: string;
  /** The staff member the token acts for (a webapp's token), whose role the owner rule asks about; null for a client acting for itself. */
  readonly ownerUserId?: string | null;
}

/** The server itself (the demo seed at start); never produced by a request. */
export interface SystemActor {
  readonly kind: 'system';
}

/**
 * A person signed in to the dashboard (SPEC §7), acting as themselves: on the records that name them
 * (their apps) and, by their role, in the stores where they are a member (person-access-rule.ts).
 */
export interface UserActor {
  readonly kind: 'user';
  readonly userId: string;
}

/** A visitor signing up on the dashboard (COUNTERSIGN_SIGNUP): may create one user, nothing else. */
export interface SignUpActor {
  readonly kind: 'signup';
}

export type ProvisioningActor = AdminActor | StoreActor | SystemActor | UserActor | SignUpActor;

/** How an actor is named in the audit log. */
export function actorLabel(actor: ProvisioningActor): string {
  switch (actor.kind) {
    case 'admin':
      return 'admin';
    case 'system':
      return 'system';
    case 'store':
      return `client:${actor.clientId}`;
    // The spelling of personActor() (model/audit-actor.ts): one actor, one name, whatever the path.
    case 'user':
      return `user:${actor.userId}`;
    case 'signup':
      return 'signup';
  }
}
