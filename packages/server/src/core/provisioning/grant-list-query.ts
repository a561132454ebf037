/** A problem with a query parameter: JSON:API `source.parameter` (a pointer would point into a body there is not). */
export interface ParameterProblem {
  readonly parameter: string;
  readonly title: string;
  readonly detail: string;
}

export type GrantListFilter = { readonly userId: string } | { readonly clientId: string };

/**
 * SPEC §5 `GET /grants?user_id=…|client_id=…`: exactly one of the two, once, not empty. Listing every
 * grant of the server is not offered: it would be unbounded and mostly personal data.
 */
export function parseGrantListQuery(query: Readonly<Record<string, unknown>>): GrantListFilter | { problems: ParameterProblem[] } {
  const given = (['user_id', 'client_id'] as const).filter((name) => query[name] !== undefined);
  if (given.length === 0) {
    return {
      problems: ['user_id', 'client_id'].map((parameter) => ({
        parameter,
        title: 'Missing parameter',
        detail: 'one of user_id or client_id is required',
      })),
    };
  }
  if (given.length === 2) {
    return {
      problems: given.map((parameter) => ({ parameter, title: 'Invalid parameter', detail: 'give only one of user_id and client_id' })),
    };
  }
  const name = given[0] as 'user_id' | 'client_id';
  const value = query[name];
  if (typeof value !== 'string') return { problems: [{ parameter: name, title: 'Invalid parameter', detail: 'must be given once' }] };
  if (value.trim() === '') return { problems: [{ parameter: name, title: 'Invalid parameter', detail: 'must not be empty' }] };
  return name === 'user_id' ? { userId: value } : { clientId: value };
}
