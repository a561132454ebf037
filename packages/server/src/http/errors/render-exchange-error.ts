import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppExchangeError } from '../../core/errors/app-exchange-error';
import type { CountersignError } from '../../core/errors/countersign-error';
import { TooManyRequestsError } from '../../core/errors/oauth-errors';
import { TemporarilyUnavailableError } from '../../core/errors/temporarily-unavailable-error';
import { oauthNoStore } from '../no-store';

/**
 * The app exchange (SPEC §3): every answer has the four keys `{success: false, message, code, data:
 * null}`, `no-store`, no CORS. The exchange's own codes and its rate limit keep their message; any
 * other client error is `invalid_request` with a fixed message (Fastify's can echo the path, and the
 * path holds the code); anything unexpected is `server_error`.
 */
export function renderExchangeError(error: CountersignError | undefined, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let known: { status: number; code: string; message: string };
  if (error instanceof AppExchangeError || error instanceof TooManyRequestsError || error instanceof TemporarilyUnavailableError) {
    known = { status: error.status, code: error.code, message: error.description };
  } else if (error !== undefined && error.status < 500) {
    known = { status: 400, code: 'invalid_request', message: 'The request could not be read.' };
  } else {
    known = { status: 500, code: 'server_error', message: 'The server could not complete the request.' };
  }
  if (error instanceof TooManyRequestsError) reply.header('retry-after', String(error.retryAfterSeconds));
  return oauthNoStore(reply).code(known.status).send({ success: false, message: known.message, code: known.code, data: null });
}
