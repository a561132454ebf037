import { CountersignError } from '../../core/errors/countersign-error';

/** A page's form came without its CSRF token, or with a stale one (@fastify/csrf-protection). */
export class FormExpiredError extends CountersignError {
  readonly code = 'forbidden';
  override readonly status = 403;
  override readonly allowRedirect = false;
}
