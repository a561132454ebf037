import { ChangeOutbox } from '../change-outbox';
import { revokeGrants } from '../grants/revoke-grant';
import type { SigningAlgorithm } from '../model/signing-algorithm';
import type { ChangePublisher } from '../ports/change-publisher';
import type { Clock } from '../ports/clock';
import type { SigningKeyStore } from '../ports/signing-key-store';
import { generateSigningKey } from './generate-signing-key';
import type { KeyEncryptor } from './key-encryptor';
import type { KeyRing } from './key-ring';

export interface RotationInput {
  store: SigningKeyStore;
  encryptor: KeyEncryptor;
  clock: Clock;
  keyRing: KeyRing;
  alg: SigningAlgorithm;
  /** The longest lifetime any access token can have had (the longest credential lifetime). */
  longestTokenLifetimeSeconds: number;
  /** SPEC §4: a compromised key leaves the JWKS at once, so everything it signed stops verifying. */
  compromised: boolean;
  /** Who asked (audit log). */
  actor: string;
  /** Told of the API-key grants a compromised rotation revoked (SPEC §4 change channel). */
  changes: ChangePublisher;
}

/**
 * Rotation without downtime (SPEC §4): the pre-published next key becomes current, so verifiers that
 * cached the JWKS already know it; the old current key stays published until the last token it can
 * have signed has expired; a fresh next key is published for the rotation after.
 */
export async function rotateSigningKeys(input: RotationInput): Promise<{ current: string; retired: string | null }> {
  const { store, encryptor, clock, keyRing } = input;
  await keyRing.load();
  const before = keyRing.current().kid;
  const generated = await generateSigningKey(input.alg);
  const now = clock.now();
  const outbox = new ChangeOutbox();
  await store.rotate(
    {
      expectedCurrentKid: before,
      newNext: {
        kid: generated.kid,
        alg: generated.alg,
        status: 'next',
        publicJwk: generated.publicJwk as Record<string, unknown>,
        privateJwkEncrypted: encryptor.encrypt(JSON.stringify(generated.privateJwk), generated.kid),
        createdAt: now,
        activatedAt: null,
        retiredAt: null,
        publishUntil: null,
      },
      retiredPublishUntil: input.compromised ? null : now + input.longestTokenLifetimeSeconds * 1000,
      now,
      actor: input.actor,
    },
    // SPEC §4: a compromised key is dropped at once, and the API keys it signed (which never expire)
    // die with it, in the rotation's own transaction; the revocations are published after the commit.
    async (grants) => {
      if (input.compromised) {
        await revokeGrants(grants, outbox, { apiKeyKid: before }, { reason: 'key_compromised', actor: input.actor, at: now });
      }
    },
  );
  // Resource servers may hold the dropped key in a cached JWKS: tell them to refuse what it signed.
  if (input.compromised) outbox.publish({ collection: 'signing_keys', id: before });
  outbox.flushTo(input.changes);
  await keyRing.load();
  return { current: keyRing.current().kid, retired: before };
}
