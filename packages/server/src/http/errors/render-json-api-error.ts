import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CountersignError } from '../../core/errors/countersign-error';
import { TooManyRequestsError } from '../../core/errors/oauth-errors';
import { RecordValidationError } from '../../core/errors/record-errors';
import { reasonCode } from './reason-code';

/**
 * The provisioning API, the health checks and anything without a wire of its own: JSON:API errors
 * (SPEC §5). A 422 lists every problem with its JSON pointer or query parameter; a 401 carries an
 * RFC 6750 §3 Bearer challenge (without an error code when no token was sent, §3.1) and the code
 * `INVALID_TOKEN`. `undefined` is an unexpected error: `server_error`, 500.
 */
export function renderJsonApiError(error: CountersignError | undefined, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error === undefined) {
    return reply.code(500).send(document(500, 'server_error', 'The server could not complete the request.', reasonCode(500)));
  }
  if (error instanceof RecordValidationError) {
    return reply.code(422).send({
      errors: error.problems.map((p) => ({
        status: '422',
        code: 'VALIDATION_ERROR',
        title: p.title,
        detail: p.detail,
        source: 'pointer' in p ? { pointer: p.pointer } : { parameter: p.parameter },
      })),
    });
  }
  if (error.status === 401) {
    reply.header(
      'www-authenticate',
      request.headers.authorization ? `Bearer realm="countersign", error="${error.code}"` : 'Bearer realm="countersign"',
    );
  }
  if (error instanceof TooManyRequestsError) reply.header('retry-after', String(error.retryAfterSeconds));
  const code = error.code === 'invalid_token' ? 'INVALID_TOKEN' : reasonCode(error.status);
  return reply.code(error.status).send(document(error.status, error.title, error.description, code));
}

function document(status: number, title: string, detail: string, code: string) {
  return { errors: [{ status: String(status), code, title, detail }] };
}
