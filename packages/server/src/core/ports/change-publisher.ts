import type { RecordChange } from '../model/record-change';
/** Where a change is told: the hub itself, or an outbox that holds it until a transaction commits. */
export interface ChangePublisher {
  publish(change: RecordChange): void;
}
