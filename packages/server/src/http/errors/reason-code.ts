import { STATUS_CODES } from 'node:http';

/** `Not Found` → `NOT_FOUND`: the HTTP reason phrase in UPPER_SNAKE (SPEC §3 `errors[].code`). */
export const reasonCode = (status: number): string =>
  (STATUS_CODES[status] ?? 'Error')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
