import { encodePageCursor, type PageQuery } from '../core/provisioning/parse-page-query';

/**
 * JSON:API `links.next` of a list page (SPEC §5): the same path and filters with `page[after]` set to
 * the last record's cursor when the page is full, `null` when the list ends here. A full page may be
 * followed by an empty one; a client stops at `null`.
 */
export function pageLinks(
  path: string,
  filters: Readonly<Record<string, string | undefined>>,
  page: PageQuery,
  data: readonly { readonly id: string; readonly created_at?: unknown }[],
): { next: string | null } {
  const last = data.at(-1);
  if (data.length < page.size || last === undefined || typeof last.created_at !== 'string') return { next: null };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value !== undefined) query.set(name, value);
  query.set('page[size]', String(page.size));
  query.set('page[after]', encodePageCursor({ createdAt: last.created_at, id: last.id }));
  return { next: `${path}?${query}` };
}
