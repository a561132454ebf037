import type { RecordValidationError } from '../../core/errors/record-errors';
import type { FormState } from '../../views/dashboard/form-fields';

/** A posted form as flat strings (form-body-parser.ts refuses repeated fields). */
export function formBody(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** The values to show again: what was typed, never the CSRF token or a password. */
export function typedValues(body: Readonly<Record<string, string>>): Record<string, string> {
  const { _csrf: _token, password: _password, ...values } = body;
  return values;
}

/** The ticked boxes of a checkbox group (`<group>_<value>=on`, form-fields.ts). */
export function ticked(body: Readonly<Record<string, string>>, group: string): string[] {
  const prefix = `${group}_`;
  return Object.keys(body)
    .filter((key) => key.startsWith(prefix) && body[key] === 'on')
    .map((key) => key.slice(prefix.length));
}

/** A textarea's non-empty lines, trimmed (redirect URLs, one per line). */
export const lines = (text: string | undefined): string[] =>
  (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** A text field left empty is a field not given, so that the schema says "is required" rather than "is invalid". */
export const given = (text: string | undefined): string | undefined => (text === undefined || text.trim() === '' ? undefined : text);

/**
 * The provisioning schemas' problems (SPEC §5 422: one per problem, with a JSON pointer into the body
 * the form became) as problems beside the form's fields: `/name` → `name`; an item of a list names the
 * item (`/redirect_uris/3` → “http://…”: must use https); anything else is the form's own (`''`).
 */
export function formProblems(
  error: RecordValidationError,
  body: Readonly<Record<string, unknown>>,
  fields: readonly string[],
): FormState['problems'] {
  const problems: Record<string, string[]> = {};
  for (const problem of error.problems) {
    const segments =
      'pointer' in problem
        ? problem.pointer
            .split('/')
            .slice(1)
            .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
        : [];
    const [field = '', index] = segments;
    const known = fields.includes(field) ? field : '';
    const list = body[field];
    const item = index !== undefined && Array.isArray(list) ? list[Number(index)] : undefined;
    const detail = typeof item === 'string' ? `“${item}”: ${problem.detail}` : problem.detail;
    problems[known] = [...(problems[known] ?? []), capitalise(detail)];
  }
  return problems;
}

const capitalise = (text: string) => (text === '' ? text : `${text[0]?.toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`);
