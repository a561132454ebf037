import type { Role } from './role';
import type { StoreSummary } from './store-summary';

/** A store and the user's role in it, as the dashboard lists them (SPEC §7). */
export interface StoreMembership extends StoreSummary {
  readonly role: Role;
}
