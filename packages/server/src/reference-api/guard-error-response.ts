import { ForbiddenError, CountersignError as GuardError, InvalidTokenError } from '@countersign/client';
import type { FastifyReply } from 'fastify';
import { reasonCode } from '../http/errors/reason-code';
import { JSON_API_MEDIA_TYPE } from './json-api';

/**
 * The SDK guard's errors as a resource server answers them (SPEC §6, RFC 6750 §3, JSON:API): an
 * unusable token is 401 `INVALID_TOKEN` with a Bearer challenge (no error code when no token was sent,
 * §3.1), a token that may not make the request is 403 `FORBIDDEN` (`insufficient_scope` named in the
 * challenge), keys that cannot be had are 503. `undefined` for an error that is not the guard's.
 */
export function guardErrorResponse(error: unknown, reply: FastifyReply): FastifyReply | undefined {
  if (!(error instanceof GuardError)) return undefined;
  let status = 503;
  if (error instanceof InvalidTokenError) {
    status = 401;
    reply.header(
      'www-authenticate',
      error.reason === 'missing' ? 'Bearer realm="countersign"' : 'Bearer realm="countersign", error="invalid_token"',
    );
  } else if (error instanceof ForbiddenError) {
    status = 403;
    if (error.reason === 'scope') {
      reply.header('www-authenticate', `Bearer realm="countersign", error="insufficient_scope", scope="${error.missingScopes.join(' ')}"`);
    }
  }
  const code = status === 401 ? 'INVALID_TOKEN' : reasonCode(status);
  return reply
    .code(status)
    .type(JSON_API_MEDIA_TYPE) // bytes: Fastify would add a charset parameter, which JSON:API forbids
    .send(Buffer.from(JSON.stringify({ errors: [{ status: String(status), code, title: error.code, detail: error.message }] })));
}
