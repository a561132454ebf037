import { createHash } from 'node:crypto';

/**
 * The keys one failed attempt counts under (SPEC §3): the (account or app, address) pair, and the
 * address alone, shared by every kind of sign-in so that spreading guesses over forms gains nothing.
 * Never the account alone: the password grant is throttled "never by locking the account", and a
 * per-account key would let anyone lock anyone out.
 *
 * `kind` names the sign-in (`password`, `storefront`, `backoffice`, `app_exchange`); `subject` is the
 * account or app as the caller normalises it (store id and lower-cased email, the app id); it is
 * hashed so that Redis never holds an email. `addressKey` is `rateLimitKey(clientAddress)`.
 */
export function failedAttemptKeys(kind: string, subject: string, addressKey: string): string[] {
  const account = createHash('sha256').update(subject).digest('base64url').slice(0, 22);
  return [`${kind}:${account}@${addressKey}`, `address@${addressKey}`];
}
