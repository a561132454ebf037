import type { AuditLogQuery } from '../model/audit-log';
import { QueryParameters } from '../provisioning/query-parameters';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/**
 * `page[size]`, `page[after]` (JSON:API cursor pagination), `actor`, `action`. Every problem is a 422
 * naming its parameter.
 */
export function parseAuditLogQuery(query: Readonly<Record<string, unknown>>): AuditLogQuery {
  const parameters = new QueryParameters(query);
  const size = parameters.pageSize(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const afterText = parameters.single('page[after]');
  const actor = parameters.single('actor');
  const action = parameters.single('action');
  let after: number | undefined;
  if (afterText !== undefined) {
    after = /^\d{1,15}$/.test(afterText) ? Number(afterText) : undefined;
    if (after === undefined) parameters.invalid('page[after]', 'must be a cursor from links.next');
  }
  parameters.check();
  return { size, after, actor, action };
}
