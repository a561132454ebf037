import type { FastifyRequest } from 'fastify';
import { InvalidRequestError } from '../core/errors/oauth-errors';

/**
 * The parameters of a token, revoke or introspect request, from a form body (RFC 6749) or a JSON
 * object (SPEC §3), as strings. Numbers and booleans in JSON are taken as their text; anything else
 * nested is refused.
 */
export function oauthParams(request: FastifyRequest): Readonly<Record<string, string | undefined>> {
  const body = request.body;
  if (body === undefined || body === null) throw new InvalidRequestError('The request has no body');
  if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidRequestError('The body must be a form or a JSON object');
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') params[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') params[key] = String(value);
    else if (value !== null) throw new InvalidRequestError(`Parameter ${key} must be a string`);
  }
  return params;
}
