import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizationPageError } from '../../core/errors/authorization-page-error';
import type { CountersignError } from '../../core/errors/countersign-error';
import { errorPage } from '../../views/error-page';
import { authorizationResponse } from '../authorization-response';
import { sendPage } from '../page-response';
import { FormExpiredError } from './form-expired-error';
import { UnreadableRequestError } from './unreadable-request-error';

/**
 * The authorization endpoint and its forms (RFC 6749 §4.1.2.1, RFC 9700 §4.1). An error that may be
 * reported to the client, once the client and its redirect URI are known good, is a 303 back to it
 * with `error`, `error_description`, `state` and `iss`; everything else is an HTML page: 400 for a
 * request that must not redirect (an unknown client, a bad redirect URI) or cannot be read, 403 for a
 * form without its CSRF token, 500 for the unexpected.
 */
export function pageErrorRenderer(issuer: string) {
  return (error: CountersignError | undefined, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const target = request.authorizationTarget;
    if (error?.allowRedirect && target !== undefined) {
      return reply.redirect(authorizationResponse(target, { error: error.code, error_description: error.description }, issuer), 303);
    }
    if (error instanceof AuthorizationPageError) {
      return sendPage(reply, 400, (nonce) => errorPage({ title: error.title, detail: error.detail, nonce }));
    }
    if (error instanceof FormExpiredError) {
      return sendPage(reply, 403, (nonce) => errorPage({ title: 'Form expired', detail: error.description, nonce }));
    }
    if (error !== undefined && error.status < 500) {
      const detail = error instanceof UnreadableRequestError ? 'The request could not be read.' : error.description;
      return sendPage(reply, 400, (nonce) => errorPage({ title: 'Malformed request', detail, nonce }));
    }
    if (error?.status === 503) {
      return sendPage(reply, 503, (nonce) => errorPage({ title: 'Temporarily unavailable', detail: error.description, nonce }));
    }
    return sendPage(reply, 500, (nonce) => errorPage({ title: 'Something went wrong', detail: 'Try again in a moment.', nonce }));
  };
}
