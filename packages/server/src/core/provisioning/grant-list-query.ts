import { RecordValidationError } from '../errors/record-errors';

export type GrantListFilter = { readonly userId: string } | { readonly clientId: string };

/**
 * SPEC §5 `GET /grants?user_id=…|client_id=…`: exactly one of the two, once, not empty. Listing every
 * grant of the server is not offered: it would be unbounded and mostly personal data. Problems are a
 * RecordValidationError naming the parameter (JSON:API `source.parameter`), mapped in error-mapper.ts.
 */
export function parseGrantListQuery(query: Readonly<Record<string, unknown>>): GrantListFilter {
  const given = (['user_id', 'client_id'] as const).filter((name) => query[name] !== undefined);
  if (given.length === 0) {
    throw new RecordValidationError(
      ['user_id', 'client_id'].map((parameter) => ({
        parameter,
        title: 'Missing parameter',
        detail: 'one of user_id or client_id is required',
      })),
    );
  }
  if (given.length === 2) {
    throw new RecordValidationError(
      given.map((parameter) => ({ parameter, title: 'Invalid parameter', detail: 'give only one of user_id and client_id' })),
    );
  }
  const name = given[0] as 'user_id' | 'client_id';
  const value = query[name];
  if (typeof value !== 'string')
    throw new RecordValidationError([{ parameter: name, title: 'Invalid parameter', detail: 'must be given once' }]);
  if (value.trim() === '') throw new RecordValidationError([{ parameter: name, title: 'Invalid parameter', detail: 'must not be empty' }]);
  return name === 'user_id' ? { userId: value } : { clientId: value };
}
