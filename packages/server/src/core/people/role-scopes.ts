import type { Role } from '../model/role';
import { isViewScope } from '../scopes/permission-catalog';

/** SPEC §2: owners and admins hold every permission scope of the client; members only the `*.view` ones. */
export function scopesForRole(clientScopes: readonly string[], role: Role): readonly string[] {
  return role === 'member' ? clientScopes.filter(isViewScope) : clientScopes;
}
