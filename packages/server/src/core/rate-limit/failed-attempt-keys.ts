import { createHash } from 'node:crypto';

/**
 * The keys one failed attempt counts under (SPEC §3), each with the same limit and back-off:
 * - the (account, address) pair: one guesser at one account;
 * - the address alone, shared by every kind of sign-in, so that spreading guesses over accounts and
 *   forms gains nothing;
 * - for a person's account (not for an app), the account alone, across all addresses, so that guesses
 *   from many addresses at one account are slowed too. This one slows the account's sign-ins for a
 *   minute (more with back-off, at most 15 minutes) and never locks it: the person can always
 *   outwait it. An app is not slowed across addresses: its 72-character secret cannot be guessed, and
 *   anyone who knows its public client id could otherwise hold up its exchanges everywhere.
 *
 * `kind` names the account space (`shopper` for the storefront form and the password grant alike,
 * `staff` for the back-office form and the dashboard's, `signup` for the dashboard's sign-up, whose
 * failure is an email already taken, `app_exchange`); `subject` is the account or app as the caller
 * normalises it (store, mode and lower-cased email; the app id). It is hashed so that Redis never
 * holds an email. `addressKey` is `rateLimitKey(clientAddress)`.
 */
export function failedAttemptKeys(kind: 'shopper' | 'staff' | 'signup' | 'app_exchange', subject: string, addressKey: string): string[] {
  const account = createHash('sha256').update(subject).digest('base64url').slice(0, 22);
  const keys = [`${kind}:${account}@${addressKey}`, `address@${addressKey}`];
  return kind === 'app_exchange' ? keys : [...keys, `${kind}:${account}`];
}
