import { RecordConflictError, RecordValidationError } from '../errors/record-errors';
import { SignUpClosedError } from '../errors/sign-up-closed-error';
import type { ProvisionedRecord } from '../ports/provisioning-store';
import type { FailedAttemptGuard } from '../rate-limit/failed-attempt-guard';
import { failedAttemptKeys } from '../rate-limit/failed-attempt-keys';

/** What a visitor types into the sign-up form, and where from. */
export interface SignUpRequest {
  readonly email: string;
  readonly name: string;
  readonly password: string;
  /** `rateLimitKey(clientAddress)`. */
  readonly addressKey: string;
}

export interface SignUpDeps {
  /** COUNTERSIGN_SIGNUP. */
  readonly open: boolean;
  /** Creates the user through the provisioning service, as the `signup` actor (validated, hashed, audited). */
  createUser(body: { email: string; name: string; password: string }): Promise<ProvisionedRecord>;
  readonly failedAttempts: Pick<FailedAttemptGuard, 'begin'>;
}

/**
 * SPEC §7: self-service sign-up for developers, on unless COUNTERSIGN_SIGNUP=0. The account is made
 * by the provisioning service (the users collection's schema, the password's scrypt hash, the audit
 * entry), so a sign-up is the same write as an administrator's `POST /users`.
 *
 * An email already taken is the one thing sign-up cannot hide (the account exists), so it is counted
 * like a failed sign-in (SPEC §3, failed-attempt-keys.ts): whoever probes for accounts by signing up
 * is slowed exactly as one guessing passwords. Bad input is not counted; it says nothing about anyone.
 *
 * @throws SignUpClosedError when sign-up is closed
 * @throws TooManyRequestsError when throttled
 * @throws RecordValidationError with every problem, an email already taken at `/email`
 */
export async function signUp(request: SignUpRequest, deps: SignUpDeps): Promise<ProvisionedRecord> {
  if (!deps.open) throw new SignUpClosedError();
  const email = request.email.trim().toLowerCase();
  const attempt = await deps.failedAttempts.begin(failedAttemptKeys('signup', email, request.addressKey));
  try {
    const user = await deps.createUser({ email: request.email, name: request.name, password: request.password });
    await attempt.succeeded();
    return user;
  } catch (error) {
    if (!(error instanceof RecordConflictError)) {
      await attempt.succeeded();
      throw error;
    }
    await attempt.failed();
    throw new RecordValidationError([
      { pointer: '/email', title: 'Taken', detail: 'an account with this email already exists: sign in instead' },
    ]);
  }
}
