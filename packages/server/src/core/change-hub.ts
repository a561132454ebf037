import type { RecordChange } from './model/record-change';

/**
 * Fan-out of changes, told after a write commits, so that caches drop stale entries at once
 * (SPEC §4's change channel). `publish` is for this instance's own changes: they reach the local
 * listeners and every relay (the Redis channel to the other instances, when REDIS_URL is set).
 * `deliver` is for changes another instance made: local listeners only, never relayed back.
 */
export class ChangeHub {
  readonly #listeners = new Set<(change: RecordChange) => void>();
  readonly #relays = new Set<(change: RecordChange) => void>();

  subscribe(listener: (change: RecordChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  relayTo(send: (change: RecordChange) => void): () => void {
    this.#relays.add(send);
    return () => this.#relays.delete(send);
  }

  publish(change: RecordChange): void {
    this.deliver(change);
    for (const relay of this.#relays) relay(change);
  }

  deliver(change: RecordChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
