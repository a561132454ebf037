/**
 * Errors about records (the provisioning API and the repositories behind it), apart from the OAuth
 * vocabulary in errors.ts. `http/error-mapper.ts` maps them to 404, 409 and 422.
 */
export class RecordNotFoundError extends Error {
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`${resource} ${id} not found`);
    this.name = 'RecordNotFoundError';
  }
}

/** A unique key is already taken, or a record is still referenced by another. */
export class RecordConflictError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'RecordConflictError';
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
export class RecordValidationError extends Error {
  constructor(readonly problems: readonly ValidationProblem[]) {
    super(problems.map((p) => `${'pointer' in p ? p.pointer : p.parameter}: ${p.detail}`).join('; '));
    this.name = 'RecordValidationError';
  }
}
