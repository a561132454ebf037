import { permissionCatalog } from '../../core/scopes/permission-catalog';
import type { Choice } from './form-fields';

/** The catalog's permission scopes as checkboxes: the plain words, with the scope's name beneath (SPEC §2). */
export const permissionChoices: readonly Choice[] = permissionCatalog.map((p) => ({
  value: p.scope,
  label: p.description,
  detail: p.scope,
}));
