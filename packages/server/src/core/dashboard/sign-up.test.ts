import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordConflictError, RecordValidationError } from '../errors/record-errors';
import { type SignUpDeps, signUp } from './sign-up';

const request = { email: 'Dana@Example.invalid', name: 'Dana', password: 'long enough', addressKey: '203.0.113.7' };

/** A guard that records how each attempt ended. */
function guard() {
  const outcomes: string[] = [];
  const keys: string[][] = [];
  return {
    outcomes,
    keys,
    begin: async (k: readonly string[]) => {
      keys.push([...k]);
      return { succeeded: async () => void outcomes.push('succeeded'), failed: async () => void outcomes.push('failed') };
    },
  };
}
const deps = (createUser: SignUpDeps['createUser'], failedAttempts = guard(), open = true): SignUpDeps => ({
  open,
  createUser,
  failedAttempts,
});

test('COUNTERSIGN_SIGNUP=0: closed, before anything is counted or made', async () => {
  const g = guard();
  let made = 0;
  await assert.rejects(
    signUp(
      request,
      deps(async () => ({ id: String(++made) }), g, false),
    ),
    (error: Error) => error.name === 'SignUpClosedError',
  );
  assert.equal(made, 0);
  assert.deepEqual(g.keys, []);
});

test('an email already taken counts as a failed attempt, and is named at /email; success and bad input do not count', async () => {
  const g = guard();
  await assert.rejects(
    signUp(
      request,
      deps(async () => {
        throw new RecordConflictError('a user with this email already exists');
      }, g),
    ),
    (error: unknown) => error instanceof RecordValidationError && error.problems.some((p) => 'pointer' in p && p.pointer === '/email'),
  );
  await signUp(
    request,
    deps(async () => ({ id: 'u1' }), g),
  );
  await assert.rejects(
    signUp(
      request,
      deps(async () => {
        throw new RecordValidationError([{ pointer: '/password', title: 'Invalid field', detail: 'too short' }]);
      }, g),
    ),
    RecordValidationError,
  );
  assert.deepEqual(g.outcomes, ['failed', 'succeeded', 'succeeded']);
  // Counted per account (lower-cased) and address, per address and per account (failed-attempt-keys.ts).
  assert.equal(g.keys[0]?.length, 3);
  assert.ok(g.keys[0]?.includes('address@203.0.113.7'));
});
