import type { Mode } from '../ports';
import { RecordValidationError, type ValidationProblem } from '../record-errors';

/** A page of a store's audit log, newest first (SPEC §5 `GET /stores/{id}/audit_entries`). */
export interface AuditLogQuery {
  /** 1–100, default 25. */
  readonly size: number;
  /** The cursor of the last entry of the previous page: entries older than it. */
  readonly after: number | undefined;
  readonly actor: string | undefined;
  readonly action: string | undefined;
}

/** Which entries of the store an actor sees: a store-bound token those of its own mode and the mode-less ones. */
export interface AuditLogView {
  readonly storeId: string;
  readonly mode?: Mode;
}

/** An audit entry as the provisioning API shows it: wire names, the id as a string (it is the cursor). */
export interface AuditEntryRecord {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target_type: string;
  readonly target_id: string;
  readonly mode: Mode | null;
  readonly details: Record<string, unknown>;
}

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
