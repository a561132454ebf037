import type { RecordChange } from './model/record-change';
import type { ChangePublisher } from './ports/change-publisher';

/**
 * Changes made inside a transaction, held until it commits: a revocation must not be announced (to
 * caches, other instances, resource servers) and then rolled back. The unit of work that owns the
 * transaction calls `flushTo` after the commit, and drops the outbox when it rolls back.
 */
export class ChangeOutbox implements ChangePublisher {
  #pending: RecordChange[] = [];

  publish(change: RecordChange): void {
    this.#pending.push(change);
  }

  flushTo(publisher: ChangePublisher): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const change of pending) publisher.publish(change);
  }
}
