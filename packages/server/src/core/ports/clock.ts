/**
 * What the core needs from the outside world, as interfaces. The core never reads the wall clock,
 * the environment or the database directly: main.ts and the tests hand these in.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}
