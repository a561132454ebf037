import { newClientSecret, randomAlphanumeric } from '../secrets/random-alphanumeric';
import type { PrepareTools } from './collection-definition';

export interface ClientIdentity {
  readonly values: { client_id: string; secret_hash: string | null };
  /** Only for confidential clients; shown once. */
  readonly secret?: string;
}

/**
 * A new client id (32 characters of [A-Za-z0-9]: URL-safe, unguessable) and, for a confidential
 * client, a 72-character secret of which only the keyed hash is kept (SPEC §1).
 */
export function issueClientIdentity(tools: PrepareTools, confidential: boolean): ClientIdentity {
  const clientId = randomAlphanumeric(tools.random, 32);
  if (!confidential) return { values: { client_id: clientId, secret_hash: null } };
  const secret = newClientSecret(tools.random);
  return { values: { client_id: clientId, secret_hash: tools.hashSecret(secret) }, secret };
}
