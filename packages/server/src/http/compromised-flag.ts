import { RecordValidationError } from '../core/errors/record-errors';

/**
 * The optional body of the two rotations, `rotate_secret` and `keys/rotate`: `{"compromised": true}`
 * ends the old secret or key and everything it obtained or signed at once (SPEC §1, §4); anything
 * else in the body is a 422.
 */
export function compromisedFlag(body: unknown): boolean {
  if (body === undefined || body === null) return false;
  const fields = typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const unknown = fields ? Object.keys(fields).filter((k) => k !== 'compromised') : [];
  if (!fields || unknown.length > 0 || !['undefined', 'boolean'].includes(typeof fields.compromised)) {
    throw new RecordValidationError([
      {
        pointer: unknown.length > 0 ? `/${unknown[0]}` : '/compromised',
        title: 'Invalid field',
        detail: 'The body may only hold "compromised": true or false',
      },
    ]);
  }
  return fields.compromised === true;
}
