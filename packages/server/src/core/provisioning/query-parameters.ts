import { RecordValidationError, type ValidationProblem } from '../errors/record-errors';

/**
 * Reads a JSON:API list's query parameters, gathering every problem so that one 422 names them all:
 * `single` takes a parameter given once and not empty, `pageSize` a `page[size]` within bounds.
 */
export class QueryParameters {
  private readonly problems: ValidationProblem[] = [];

  constructor(private readonly query: Readonly<Record<string, unknown>>) {}

  single(name: string): string | undefined {
    const value = this.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') {
      this.invalid(name, 'must be given once, not empty');
      return undefined;
    }
    return value;
  }

  /** `page[size]`: a whole number from 1 to `max`, `fallback` when absent. */
  pageSize(fallback: number, max: number): number {
    const text = this.single('page[size]');
    if (text === undefined) return fallback;
    const size = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
    if (size >= 1 && size <= max) return size;
    this.invalid('page[size]', `must be a whole number from 1 to ${max}`);
    return fallback;
  }

  invalid(parameter: string, detail: string): void {
    this.problems.push({ parameter, title: 'Invalid parameter', detail });
  }

  /** Throws the 422 naming every problem found, if any. */
  check(): void {
    if (this.problems.length > 0) throw new RecordValidationError(this.problems);
  }
}
