import type { Customer } from '../model/customer';
import type { Mode } from '../model/mode';
import type { StaffUser } from '../model/staff-user';
import type { PeopleDirectory } from '../ports/people-directory';
import type { FailedAttemptGuard } from '../rate-limit/failed-attempt-guard';
import { failedAttemptKeys } from '../rate-limit/failed-attempt-keys';
import { checkPassword } from '../secrets/password-hasher';

/** Who signs in, where, from which address. */
export type SignInRequest = {
  readonly email: string;
  readonly password: string;
  /** `rateLimitKey(clientAddress)`: failures are counted per account and address, per address and per account. */
  readonly addressKey: string;
} & (
  | { readonly audience: 'staff' }
  /** A shopper signs in to one store and mode (the credential's). */
  | { readonly audience: 'shopper'; readonly storeId: string; readonly mode: Mode }
);

export type SignedIn = { readonly type: 'user'; readonly user: StaffUser } | { readonly type: 'customer'; readonly customer: Customer };

/** The email or the password is wrong; which one is never said (SPEC §3). */
export class SignInFailedError extends Error {
  constructor() {
    super('The email or password is wrong');
    this.name = 'SignInFailedError';
  }
}

/**
 * Sign-in by email and password, for every path that takes one: the storefront and back-office forms
 * and the password grant (SPEC §3). The rules live here and nowhere else:
 * - the attempt is counted before the password is checked (FailedAttemptGuard.begin), so concurrent
 *   guesses cannot overshoot the limit; a success takes it back, so successes are never limited;
 * - an unknown email is checked against a decoy hash, so it costs what a wrong password costs, and
 *   both fail alike (no enumeration by answer or by timing);
 * - the limit is per (account, address), per address and per account, with back-off, never a lock.
 *
 * @throws TooManyRequestsError when throttled (before any hashing)
 * @throws SignInFailedError for a wrong email or password
 */
export async function signIn(
  request: SignInRequest,
  deps: { readonly people: PeopleDirectory; readonly failedAttempts: Pick<FailedAttemptGuard, 'begin'> },
): Promise<SignedIn> {
  const email = request.email.trim().toLowerCase();
  const subject = request.audience === 'staff' ? email : `${request.storeId}:${request.mode}:${email}`;
  const attempt = await deps.failedAttempts.begin(failedAttemptKeys(request.audience, subject, request.addressKey));

  const person: SignedIn | undefined =
    request.audience === 'staff'
      ? await deps.people.findUserByEmail(email).then((user) => user && { type: 'user' as const, user })
      : await deps.people
          .findCustomerByEmail(request.storeId, request.mode, email)
          .then((customer) => customer && { type: 'customer' as const, customer });
  const hash = person === undefined ? undefined : person.type === 'user' ? person.user.passwordHash : person.customer.passwordHash;
  // Always a full scrypt: against the stored hash, or against the decoy when there is no account.
  const matches = await checkPassword(request.password, hash);
  if (!matches || person === undefined) {
    await attempt.failed();
    throw new SignInFailedError();
  }
  await attempt.succeeded();
  return person;
}
