import type { z } from 'zod';
import type { ValidationProblem } from '../errors/record-errors';

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export const jsonPointer = (path: readonly PropertyKey[]): string =>
  path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/**
 * Every zod issue as a problem with a JSON pointer into `body`; each unknown field is a problem of
 * its own, and a field absent from the body is reported as missing rather than as mistyped.
 */
export function zodProblems(error: z.ZodError, body: unknown): ValidationProblem[] {
  return error.issues.flatMap((issue): ValidationProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        pointer: jsonPointer([...issue.path, key]),
        title: 'Unknown field',
        detail: `"${key}" is not a field of this record`,
      }));
    }
    const pointer = jsonPointer(issue.path);
    if (issue.code === 'invalid_type' && valueAt(body, issue.path) === undefined) {
      return [
        issue.path.length === 0
          ? { pointer, title: 'Missing body', detail: 'a JSON object is required' }
          : { pointer, title: 'Missing field', detail: 'is required' },
      ];
    }
    const detail = issue.message.startsWith('Invalid input: ') ? issue.message.slice('Invalid input: '.length) : issue.message;
    return [{ pointer, title: 'Invalid field', detail }];
  });
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}
