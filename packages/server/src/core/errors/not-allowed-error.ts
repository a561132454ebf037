import { CountersignError } from './countersign-error';

/**
 * The person signed in to the dashboard may not do this (SPEC §7): a member of a store who tries to
 * change what only its owners and admins change, or anything outside what a person may do for
 * themselves. 403, and nothing is written.
 */
export class NotAllowedError extends CountersignError {
  readonly code = 'forbidden';
  override readonly status = 403;
  override readonly allowRedirect = false;
  override get title(): string {
    return 'Not allowed';
  }
}
