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

export type ProvisioningActor = AdminActor | StoreActor | SystemActor;

/** How an actor is named in the audit log. */
export function actorLabel(actor: ProvisioningActor): string {
  switch (actor.kind) {
    case 'admin':
      return 'admin';
    case 'system':
      return 'system';
    case 'store':
      return `client:${actor.clientId}`;
  }
}
