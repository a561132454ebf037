import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { ActiveSigningKey } from '../model/active-signing-key';
import type { SigningAlgorithm } from '../model/signing-algorithm';
import type { Clock } from '../ports/clock';
import type { SigningKeyStore, StoredSigningKey } from '../ports/signing-key-store';
import type { SigningKeys } from '../ports/signing-keys';
import { generateSigningKey } from './generate-signing-key';
import type { KeyEncryptor } from './key-encryptor';

/**
 * The signing keys as this instance holds them in memory: the current private key (imported once,
 * not per token) and the JWKS document, serialised once per load. `load()` runs at start and then
 * periodically, so that every instance follows a rotation made by another.
 */
export class KeyRing implements SigningKeys {
  #current: ActiveSigningKey | undefined;
  #jwksJson = '{"keys":[]}';
  #publicKeys = new Map<string, { alg: string; key: KeyObject }>();

  constructor(
    private readonly store: SigningKeyStore,
    private readonly encryptor: KeyEncryptor,
    private readonly clock: Clock,
    private readonly alg: SigningAlgorithm,
  ) {}

  /** Reads the keys, creating the current and next ones when missing (first start). */
  async load(): Promise<void> {
    let keys = await this.store.listPublishable(this.clock.now());
    let changed = false;
    if (!keys.some((k) => k.status === 'current')) {
      await this.store.insert(await this.#create('current'));
      changed = true;
    }
    const next = keys.find((k) => k.status === 'next');
    if (!next) {
      await this.store.insert(await this.#create('next'));
      changed = true;
    } else if (next.alg !== this.alg) {
      // COUNTERSIGN_SIGNING_ALG changed: the next key is not signing anything yet, so it is replaced
      // and the new algorithm takes over at the next rotation.
      await this.store.replaceNext(await this.#create('next'));
      changed = true;
    }
    if (changed) keys = await this.store.listPublishable(this.clock.now());
    this.#install(keys);
  }

  /** The key that signs new tokens. */
  current(): ActiveSigningKey {
    if (!this.#current) throw new Error('KeyRing.load() has not run');
    return this.#current;
  }

  /** The JWKS document (RFC 7517), already serialised. */
  jwksJson(): string {
    return this.#jwksJson;
  }

  /** A published public key by `kid`, for verifying tokens this server issued. */
  publicKey(kid: string): { alg: string; key: KeyObject } | undefined {
    return this.#publicKeys.get(kid);
  }

  async #create(status: 'current' | 'next'): Promise<StoredSigningKey> {
    const generated = await generateSigningKey(this.alg);
    const now = this.clock.now();
    return {
      kid: generated.kid,
      alg: generated.alg,
      status,
      publicJwk: generated.publicJwk as Record<string, unknown>,
      privateJwkEncrypted: this.encryptor.encrypt(JSON.stringify(generated.privateJwk), generated.kid),
      createdAt: now,
      activatedAt: status === 'current' ? now : null,
      retiredAt: null,
      publishUntil: null,
    };
  }

  #install(keys: StoredSigningKey[]): void {
    const current = keys.find((k) => k.status === 'current');
    if (!current) throw new Error('no current signing key after load');
    if (this.#current?.kid !== current.kid) {
      let jwk: Record<string, unknown>;
      try {
        jwk = JSON.parse(this.encryptor.decrypt(current.privateJwkEncrypted, current.kid));
      } catch {
        throw new Error(`cannot decrypt signing key ${current.kid}: COUNTERSIGN_KEY_ENCRYPTION_KEY is not the key it was stored with`);
      }
      this.#current = {
        kid: current.kid,
        alg: current.alg as SigningAlgorithm,
        privateKey: createPrivateKey({ key: jwk as never, format: 'jwk' }),
      };
    }
    this.#publicKeys = new Map(
      keys.map((k) => [k.kid, { alg: k.alg, key: createPublicKey({ key: k.publicJwk as never, format: 'jwk' }) }]),
    );
    this.#jwksJson = JSON.stringify({ keys: keys.map((k) => k.publicJwk) });
  }
}
