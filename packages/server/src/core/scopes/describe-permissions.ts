import { permissionCatalog } from './permission-catalog';

/** A permission scope with the plain words the consent page and the dashboard show for it (SPEC §2). */
export interface PermissionDescription {
  readonly scope: string;
  readonly description: string;
}

const descriptions: ReadonlyMap<string, string> = new Map(permissionCatalog.map((p) => [p.scope, p.description]));

/** Each scope with its catalog description, in the catalog's order; a scope the catalog lacks keeps its name. */
export function describePermissions(scopes: readonly string[]): PermissionDescription[] {
  const order = (scope: string) => {
    const index = permissionCatalog.findIndex((p) => p.scope === scope);
    return index === -1 ? permissionCatalog.length : index;
  };
  return [...scopes].sort((a, b) => order(a) - order(b)).map((scope) => ({ scope, description: descriptions.get(scope) ?? scope }));
}
