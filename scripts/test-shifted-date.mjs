#!/usr/bin/env node
// Runs the test suites again with the system clock moved 400 days ahead (Debian's faketime, an
// LD_PRELOAD shim: every process of the run, Node and Chromium alike, sees the shifted date).
// Tests sign tokens on a fixed TestClock and must verify them on that clock (jose's currentDate),
// never against the real date; this run is what proves it on any day (docs/adr/0009-test-clock.md).
import { spawnSync } from 'node:child_process';

const SHIFT = process.env.COUNTERSIGN_TEST_DATE_SHIFT ?? '+400d';

const found = spawnSync('faketime', ['-f', SHIFT, 'node', '-e', 'process.stdout.write(new Date().toISOString())'], { encoding: 'utf8' });
if (found.error || found.status !== 0) {
  const message = 'faketime is not installed (Debian: apt-get install faketime): the shifted-date run cannot be made';
  if (process.env.CI) {
    console.error(`${message}; it is required in CI.`);
    process.exit(1);
  }
  console.warn(`\n*** ${message}: SKIPPED ***\n`);
  process.exit(0);
}
console.log(`\nThe suites again, with the date moved ${SHIFT}: the clock reads ${found.stdout}\n`);
const run = spawnSync('faketime', ['-f', SHIFT, 'npm', 'run', 'test:suites'], { stdio: 'inherit' });
process.exit(run.status ?? 1);
