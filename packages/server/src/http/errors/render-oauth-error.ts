import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CountersignError } from '../../core/errors/countersign-error';
import { TooManyRequestsError } from '../../core/errors/oauth-errors';
import { oauthNoStore } from '../no-store';
import { reasonCode } from './reason-code';

const UNEXPECTED = { code: 'server_error', status: 500, description: 'The server could not complete the request.' };

/**
 * The token, revoke and introspect endpoints (SPEC §3): RFC 6749 §5.2 `{error, error_description}`
 * with the JSON:API `errors` array beside it, `no-store`, a Basic challenge on 401 (RFC 6749 §5.2)
 * and `Retry-After` on 429. `undefined` is an unexpected error: `server_error`, 500.
 */
export function renderOAuthError(error: CountersignError | undefined, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { code, status, description } = error ?? UNEXPECTED;
  if (status === 401) reply.header('www-authenticate', 'Basic realm="countersign", charset="UTF-8"');
  if (error instanceof TooManyRequestsError) reply.header('retry-after', String(error.retryAfterSeconds));
  return oauthNoStore(reply)
    .code(status)
    .send({
      error: code,
      error_description: description,
      errors: [{ title: code, code: reasonCode(status), status, detail: description }],
    });
}
