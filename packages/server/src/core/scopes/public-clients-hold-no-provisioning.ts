import type { ValidationProblem } from '../errors/record-errors';

/**
 * SPEC §2: `provisioning` is never held by a public client. A sales channel's client id is public (it
 * ships in storefront code), and so is a public app's: whoever reads it could otherwise provision the
 * store (its customers' emails included). Refused when the client is created and when it is changed.
 */
export function publicClientScopeProblems(isPublic: boolean, scopes: unknown): ValidationProblem[] {
  if (!isPublic || !Array.isArray(scopes) || !scopes.includes('provisioning')) return [];
  return [{ pointer: '/scopes', title: 'Invalid field', detail: 'a public client may not hold the provisioning scope' }];
}
