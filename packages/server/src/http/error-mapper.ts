import { STATUS_CODES } from 'node:http';
import { CountersignError, ForbiddenError, InvalidTokenError } from '@countersign/client';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppExchangeError } from '../core/authorize/app-exchange-error';
import { AuthorizationPageError } from '../core/authorize/authorization-page-error';
import { AuthorizationRedirectError } from '../core/authorize/authorization-request';
import { InvalidRequestError, OAuthError, TooManyRequestsError } from '../core/errors';
import { RecordConflictError, RecordNotFoundError, RecordValidationError } from '../core/record-errors';
import { errorPage } from '../views/error-page';
import { isAppExchangeRequest } from './app-exchange-routes';
import { noStore } from './no-store';
import { sendPage } from './page-response';

/**
 * The one place where errors become wire responses (DESIGN.md). Each route declares its wire format
 * in `config.wire`:
 * - `oauth`: RFC 6749 §5.2 `{error, error_description}` plus the JSON:API `errors` array (SPEC §3);
 * - `jsonapi` (default): `{errors: [{status, code, title, detail, source?}]}` (provisioning, health);
 * - `page`: the authorization endpoint and its forms: a redirect back to the client when RFC 6749
 *   allows one, otherwise an HTML error page (never a redirect for an unknown client or redirect URI).
 * The authorization endpoint and the app exchange map their own errors through their own renderers.
 * An unexpected error is logged with its request id and answered `server_error`, never with its message.
 */
export type WireFormat = 'oauth' | 'jsonapi' | 'page';

declare module 'fastify' {
  interface FastifyContextConfig {
    wire?: WireFormat;
  }
}

/** `Not Found` → `NOT_FOUND`, the reason phrase in UPPER_SNAKE. */
export const reasonCode = (status: number): string =>
  (STATUS_CODES[status] ?? 'Error')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

export function oauthErrorBody(error: OAuthError) {
  return {
    error: error.code,
    error_description: error.description,
    errors: [{ title: error.code, code: reasonCode(error.status), status: error.status, detail: error.description }],
  };
}

function jsonApiError(status: number, title: string, detail: string, code = reasonCode(status)) {
  return { errors: [{ status: String(status), code, title, detail }] };
}

export function mapError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // The app exchange answers every error, its own or Fastify's, in its envelope (SPEC §3).
  if (error instanceof AppExchangeError || isAppExchangeRequest(request)) return appExchangeEnvelope(error, request, reply);
  const wire = request.routeOptions.config?.wire ?? 'jsonapi';
  if (wire === 'page') return mapPageError(error, request, reply);
  const known = toKnownError(error);

  if (known instanceof OAuthError) {
    if (known.status === 401) reply.header('www-authenticate', challenge(known, request));
    if (known instanceof TooManyRequestsError) reply.header('retry-after', String(known.retryAfterSeconds));
    if (wire === 'oauth') return noStore(reply).code(known.status).send(oauthErrorBody(known));
    return reply.code(known.status).send(jsonApiError(known.status, known.code, known.description, apiCode(known)));
  }
  if (known instanceof CountersignError) return guardErrorResponse(known, reply);
  if (known instanceof RecordValidationError) {
    return reply.code(422).send({
      errors: known.problems.map((p) => ({
        status: '422',
        code: 'VALIDATION_ERROR',
        title: p.title,
        detail: p.detail,
        source: 'pointer' in p ? { pointer: p.pointer } : { parameter: p.parameter },
      })),
    });
  }
  if (known instanceof RecordNotFoundError) return reply.code(404).send(jsonApiError(404, 'Not found', known.message));
  if (known instanceof RecordConflictError) return reply.code(409).send(jsonApiError(409, 'Conflict', known.detail));

  request.log.error({ err: error }, 'unexpected error');
  if (wire === 'oauth') {
    const body = { error: 'server_error', error_description: 'The server could not complete the request.' };
    return noStore(reply)
      .code(500)
      .send({ ...body, errors: [{ title: body.error, code: reasonCode(500), status: 500, detail: body.error_description }] });
  }
  return reply.code(500).send(jsonApiError(500, 'server_error', 'The server could not complete the request.'));
}

/** Fastify's own 4xx errors (bad JSON, wrong content type, body too large) are the client's fault. */
function toKnownError(error: unknown): unknown {
  const status = (error as FastifyError | null)?.statusCode;
  if (error instanceof OAuthError || typeof status !== 'number' || status < 400 || status >= 500) return error;
  const fastifyError = error as FastifyError;
  return new InvalidRequestError(fastifyError.validation ? `Invalid request: ${fastifyError.message}` : fastifyError.message);
}

/**
 * `{success: false, message, code, data: null}`: Fastify's own 4xx are `invalid_request` (with a
 * fixed message: theirs can echo the path, and the path holds the code), anything unexpected `server_error`.
 */
function appExchangeEnvelope(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = (error as FastifyError | null)?.statusCode;
  let known: AppExchangeError;
  if (error instanceof AppExchangeError) {
    known = error;
  } else if ((typeof status === 'number' && status >= 400 && status < 500) || (error instanceof OAuthError && error.status < 500)) {
    known = new AppExchangeError('invalid_request', 'The request could not be read.');
  } else {
    request.log.error({ err: error }, 'unexpected error');
    known = new AppExchangeError('server_error', 'The server could not complete the request.');
  }
  if (known.retryAfterSeconds !== undefined) reply.header('retry-after', String(known.retryAfterSeconds));
  return noStore(reply).code(known.status).send({ success: false, message: known.message, code: known.code, data: null });
}

function apiCode(error: OAuthError): string {
  if (error.status === 401) return 'INVALID_TOKEN';
  return reasonCode(error.status);
}

/** RFC 6749 §5.2 for the token endpoints (Basic), RFC 6750 §3 for bearer-protected resources. */
function challenge(error: OAuthError, request: FastifyRequest): string {
  if (request.routeOptions.config?.wire === 'oauth') return 'Basic realm="countersign", charset="UTF-8"';
  // RFC 6750 §3.1: a request that carried no token at all gets a challenge without an error code.
  if (!request.headers.authorization) return 'Bearer realm="countersign"';
  return `Bearer realm="countersign", error="${error.code === 'invalid_client' ? 'invalid_token' : error.code}"`;
}

function mapPageError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AuthorizationRedirectError) return reply.redirect(error.location, 303);
  if (error instanceof AuthorizationPageError) {
    return sendPage(reply, 400, (nonce) => errorPage({ title: error.title, detail: error.detail, nonce }));
  }
  const status = (error as FastifyError | null)?.statusCode;
  if (status === 403) {
    // @fastify/csrf-protection: a form without a valid CSRF token.
    return sendPage(reply, 403, (nonce) => errorPage({ title: 'Form expired', detail: 'Reload the page and try again.', nonce }));
  }
  if (error instanceof OAuthError || (typeof status === 'number' && status >= 400 && status < 500)) {
    const detail = error instanceof OAuthError ? error.description : 'The request could not be read.';
    return sendPage(reply, 400, (nonce) => errorPage({ title: 'Malformed request', detail, nonce }));
  }
  request.log.error({ err: error }, 'unexpected error');
  return sendPage(reply, 500, (nonce) => errorPage({ title: 'Something went wrong', detail: 'Try again in a moment.', nonce }));
}

/**
 * The SDK guard's errors (the reference API, SPEC §6), as RFC 6750 §3 and JSON:API: an unusable token
 * is 401 `INVALID_TOKEN` with a Bearer challenge (no error code when no token was sent, §3.1), a token
 * that may not make the request is 403 `FORBIDDEN` (`insufficient_scope` named in the challenge).
 */
function guardErrorResponse(error: CountersignError, reply: FastifyReply): FastifyReply {
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
    .type('application/vnd.api+json') // bytes: Fastify would add a charset parameter, which JSON:API forbids
    .send(Buffer.from(JSON.stringify({ errors: [{ status: String(status), code, title: error.code, detail: error.message }] })));
}
