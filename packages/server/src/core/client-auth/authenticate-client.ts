import { InvalidClientError } from '../errors/oauth-errors';
import type { OAuthClient } from '../model/client';
import type { ClientDirectory } from '../ports/client-directory';
import type { Clock } from '../ports/clock';
import type { SecretHasher } from '../secrets/secret-hasher';
import type { PresentedClient } from './presented-client';

/** One answer for every failure, so that nobody learns whether a client id exists (SPEC §3). */
const failed = () => new InvalidClientError('Client authentication failed');

/**
 * Authenticates the client of a token, revoke or introspect request (RFC 6749 §2.3, §3.2.1):
 * confidential clients by their secret (the current one, or the previous one during its overlap
 * period), public clients by their id alone. Secrets are compared as keyed hashes in constant time,
 * and an unknown client costs the same hash as a known one.
 */
export async function authenticateClient(
  presented: PresentedClient,
  clients: ClientDirectory,
  hasher: SecretHasher,
  clock: Clock,
): Promise<OAuthClient> {
  const client = await clients.findByClientId(presented.clientId);
  if (!client) {
    if (presented.secret !== undefined) hasher.verify(presented.secret, null);
    throw failed();
  }
  if (!client.confidential) {
    // A public client has no secret; one that sends a secret is misconfigured, not authenticated.
    if (presented.secret !== undefined) throw failed();
    return client;
  }
  if (presented.secret === undefined) throw failed();
  const current = hasher.verify(presented.secret, client.secretHash);
  // The previous secret is checked only while it overlaps (its existence is no secret worth hiding).
  const previousValid =
    client.previousSecretHash !== null && client.previousSecretExpiresAt !== null && client.previousSecretExpiresAt > clock.now();
  if (!current && !(previousValid && hasher.verify(presented.secret, client.previousSecretHash))) throw failed();
  return client;
}
