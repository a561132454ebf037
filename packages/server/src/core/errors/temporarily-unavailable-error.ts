import { CountersignError } from './countersign-error';

/**
 * The storage (or another dependency the request cannot do without) is unreachable or too slow right
 * now: RFC 6749 §4.1.2.1's `temporarily_unavailable`, answered 503 on every wire so that a client or a
 * load balancer retries, never 500. The request changed nothing it can observe: a write that did not
 * commit was rolled back by the database.
 */
export class TemporarilyUnavailableError extends CountersignError {
  readonly code = 'temporarily_unavailable';
  override readonly status = 503;

  constructor(description = 'The service is temporarily unavailable; try again in a moment.') {
    super(description);
  }
}
