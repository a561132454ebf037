import { longestTokenLifetime } from '../adapters/sql/longest-token-lifetime';
import { signingKeyRepository } from '../adapters/sql/signing-key-repository';
import { rotateSigningKeys } from '../core/keys/rotate-signing-keys';
import type { AppDependencies } from './compose-dependencies';

/** Rotation as the provisioning API and the CLI both run it. */
export async function rotateKeys(deps: AppDependencies, compromised: boolean, actor: string) {
  return rotateSigningKeys({
    store: signingKeyRepository(deps.storage.db),
    encryptor: deps.keyEncryptor,
    clock: deps.clock,
    keyRing: deps.keyRing,
    alg: deps.config.signingAlg,
    longestTokenLifetimeSeconds: await longestTokenLifetime(deps.storage.db),
    compromised,
    actor,
    changes: deps.changes,
  });
}
