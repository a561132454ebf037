import { CountersignError } from './countersign-error';

/** Nothing is there: no such route, or no such record for this caller (SPEC §5: 404). */
export class NotFoundError extends CountersignError {
  readonly code = 'not_found';
  override readonly status = 404;
  override readonly allowRedirect = false;
  override get title(): string {
    return 'Not found';
  }
}

/** A record that does not exist, or not for this caller (another store or mode). */
export class RecordNotFoundError extends NotFoundError {
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`${resource} ${id} not found`);
  }
}

/** A unique key is already taken, or a record is still referenced by another (SPEC §5: 409). */
export class RecordConflictError extends CountersignError {
  readonly code = 'conflict';
  override readonly status = 409;
  override readonly allowRedirect = false;
  constructor(readonly detail: string) {
    super(detail);
  }
  override get title(): string {
    return 'Conflict';
  }
}

export type ValidationProblem = {
  readonly title: string;
  readonly detail: string;
} & (
  | {
      /** JSON pointer into the request body, e.g. `/stock_location_ids/1`. */
      readonly pointer: string;
    }
  | {
      /** A query parameter (JSON:API `source.parameter`: there is no body to point into). */
      readonly parameter: string;
    }
);

/** Every problem with a write, listed at once (SPEC §5: 422 listing every problem). */
export class RecordValidationError extends CountersignError {
  readonly code = 'validation_error';
  override readonly status = 422;
  override readonly allowRedirect = false;
  constructor(readonly problems: readonly ValidationProblem[]) {
    super(problems.map((p) => `${'pointer' in p ? p.pointer : p.parameter}: ${p.detail}`).join('; '));
  }
}
