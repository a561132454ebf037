import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

import type { Encryptor } from '../ports/encryptor';

const VERSION = 'v1';

/**
 * Wraps private signing keys at rest with AES-256-GCM under a key derived (HKDF) from
 * COUNTERSIGN_KEY_ENCRYPTION_KEY. The key id in the associated data binds each blob to its row, so a
 * ciphertext copied onto another row does not decrypt. See docs/adr/0002-key-storage.md.
 */
export class KeyEncryptor implements Encryptor {
  readonly #key: Buffer;

  constructor(keyEncryptionKey: Buffer) {
    this.#key = Buffer.from(hkdfSync('sha256', keyEncryptionKey, Buffer.alloc(0), 'countersign/signing-keys/v1', 32));
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** Throws when the blob was made with another key-encryption key or was tampered with. */
  decrypt(blob: string, associatedData: string): string {
    const [version, data] = blob.split('.');
    if (version !== VERSION || !data) throw new Error('unknown encrypted key format');
    const raw = Buffer.from(data, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
