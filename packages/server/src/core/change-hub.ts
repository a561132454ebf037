/** A record that changed, named by its provisioning collection (`credentials`, `markets`, ...). */
export interface RecordChange {
  readonly collection: string;
  readonly id: string;
}

/**
 * In-process fan-out of record changes, told after a write commits, so that the token path's caches
 * drop stale entries at once on this instance. (Other instances follow through the change channel of
 * SPEC §4 once it exists; until then their caches expire by COUNTERSIGN_CLIENT_CACHE_TTL.)
 */
export class ChangeHub {
  readonly #listeners = new Set<(change: RecordChange) => void>();

  subscribe(listener: (change: RecordChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(change: RecordChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
