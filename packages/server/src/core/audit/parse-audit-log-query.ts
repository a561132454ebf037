import { RecordValidationError, type ValidationProblem } from '../errors/record-errors';
import type { AuditLogQuery } from '../model/audit-log';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/**
 * `page[size]`, `page[after]` (JSON:API cursor pagination), `actor`, `action`. Every problem is a 422
 * naming its parameter.
 */
export function parseAuditLogQuery(query: Readonly<Record<string, unknown>>): AuditLogQuery {
  const problems: ValidationProblem[] = [];
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') {
      problems.push({ parameter: name, title: 'Invalid parameter', detail: 'must be given once, not empty' });
      return undefined;
    }
    return value;
  };
  const sizeText = single('page[size]');
  const afterText = single('page[after]');
  const actor = single('actor');
  const action = single('action');
  let size = DEFAULT_PAGE_SIZE;
  if (sizeText !== undefined) {
    size = /^\d{1,3}$/.test(sizeText) ? Number(sizeText) : Number.NaN;
    if (!(size >= 1 && size <= MAX_PAGE_SIZE)) {
      problems.push({ parameter: 'page[size]', title: 'Invalid parameter', detail: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` });
    }
  }
  let after: number | undefined;
  if (afterText !== undefined) {
    after = /^\d{1,15}$/.test(afterText) ? Number(afterText) : undefined;
    if (after === undefined)
      problems.push({ parameter: 'page[after]', title: 'Invalid parameter', detail: 'must be a cursor from links.next' });
  }
  if (problems.length > 0) throw new RecordValidationError(problems);
  return { size, after, actor, action };
}
