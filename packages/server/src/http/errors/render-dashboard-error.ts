import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CountersignError } from '../../core/errors/countersign-error';
import { TooManyRequestsError } from '../../core/errors/oauth-errors';
import { NotFoundError, RecordValidationError } from '../../core/errors/record-errors';
import { dashboardCopy } from '../../views/dashboard/dashboard-copy';
import { dashboardErrorPage } from '../../views/dashboard/dashboard-error-page';
import { sendPage } from '../page-response';
import { FormExpiredError } from './form-expired-error';
import { UnreadableRequestError } from './unreadable-request-error';

const c = dashboardCopy.errors;

/**
 * The dashboard (SPEC §7): every error is a page with the security headers of every page, saying what
 * went wrong in words a person reads; never a redirect, never an error's internals. A form's own
 * validation problems are shown beside its fields by its route; what reaches here is the rest: a form
 * without its CSRF token (403), a record or store that is not there or not the person's (404), a
 * change a member may not make (403), a throttle (429 with Retry-After), an unreadable request (400),
 * the unexpected (500).
 */
export function renderDashboardError(error: CountersignError | undefined, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const page = (status: number, title: string, detail: string) =>
    sendPage(reply, status, (nonce) => dashboardErrorPage({ title, detail, nonce }));
  if (error?.status === 503) return page(503, c.unexpected, error.description);
  if (error === undefined || error.status >= 500) return page(500, c.unexpected, c.unexpectedDetail);
  if (error instanceof FormExpiredError) return page(403, c.formExpired, dashboardCopy.form.expired);
  if (error instanceof NotFoundError) return page(404, c.notFound, c.notFoundDetail);
  if (error instanceof TooManyRequestsError) {
    reply.header('retry-after', String(error.retryAfterSeconds));
    return page(429, c.tooMany, error.description);
  }
  if (error.status === 403) return page(403, c.forbidden, error.description);
  if (error instanceof RecordValidationError) return page(422, c.badRequest, error.problems.map((p) => p.detail).join('; '));
  return page(error.status, c.badRequest, error instanceof UnreadableRequestError ? c.unreadable : error.description);
}
