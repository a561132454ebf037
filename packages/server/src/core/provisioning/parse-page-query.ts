import { QueryParameters } from './query-parameters';

export const DEFAULT_LIST_PAGE_SIZE = 100;
export const MAX_LIST_PAGE_SIZE = 500;

/** A position in a list ordered by (created_at, id): the last record of the previous page. */
export interface PageCursor {
  readonly createdAt: string;
  readonly id: string;
}

/** One page of a list: at most `size` records after `after` (from the start when absent). */
export interface PageQuery {
  readonly size: number;
  readonly after?: PageCursor;
}

/** The opaque `page[after]` value of `links.next`: base64url of `[created_at, id]`. */
export function encodePageCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

function decodePageCursor(text: string): PageCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // not a cursor of ours
  }
  return undefined;
}

/**
 * JSON:API cursor pagination of the provisioning API's lists (SPEC §5): `page[size]` (1 to
 * MAX_LIST_PAGE_SIZE, default DEFAULT_LIST_PAGE_SIZE) and `page[after]` (the cursor in the previous
 * page's `links.next`). Every problem is a 422 naming its parameter.
 */
export function parsePageQuery(query: Readonly<Record<string, unknown>>): PageQuery {
  const parameters = new QueryParameters(query);
  const size = parameters.pageSize(DEFAULT_LIST_PAGE_SIZE, MAX_LIST_PAGE_SIZE);
  const afterText = parameters.single('page[after]');
  const after = afterText === undefined ? undefined : decodePageCursor(afterText);
  if (afterText !== undefined && after === undefined) parameters.invalid('page[after]', 'must be a cursor from links.next');
  parameters.check();
  return after === undefined ? { size } : { size, after };
}
