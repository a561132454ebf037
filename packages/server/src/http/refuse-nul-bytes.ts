import type { FastifyInstance } from 'fastify';
import { InvalidRequestError } from '../core/errors/oauth-errors';

const ENCODED_NUL = /%00/i;

function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || typeof value !== 'object' || value === null) return false;
  for (const [key, inner] of Object.entries(value)) if (key.includes('\u0000') || holdsNul(inner, depth + 1)) return true;
  return false;
}

/**
 * No text Countersign keeps or looks up may hold a NUL byte: PostgreSQL cannot store one (it answers
 * "invalid byte sequence", which would surface as a 500), and no client id, email, id, code or token
 * ever contains one. A request carrying one, in its path, query or body, is refused up front as
 * `invalid_request`, rendered in the route's own wire format (SPEC §3: bad input is a 4xx).
 * Client credentials in an HTTP Basic header are checked where they are decoded
 * (presented-client-from-request.ts), and fail as `invalid_client`.
 */
export function refuseNulBytes(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    if (ENCODED_NUL.test(request.url) || holdsNul(request.body)) done(new InvalidRequestError('The request contains a NUL byte'));
    else done();
  });
}
