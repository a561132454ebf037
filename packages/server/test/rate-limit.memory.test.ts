import { MemorySlidingWindow } from '../src/adapters/memory/memory-sliding-window';
import type { Clock } from '../src/core/ports/clock';
import type { SlidingWindowLimiter } from '../src/core/ports/sliding-window-limiter';
import { rateLimitContract } from './rate-limit-contract';

// One store per clock, as one process would have; "two instances" in the contract are two callers of it.
rateLimitContract('memory', async () => {
  const stores = new Map<Clock, SlidingWindowLimiter>();
  return {
    limiter: (clock) => {
      const store = stores.get(clock) ?? new MemorySlidingWindow(clock);
      stores.set(clock, store);
      return store;
    },
    close: async () => {},
  };
});
