/**
 * Authenticated encryption with associated data, under a key derived from the key-encryption key
 * (core/keys/key-encryptor.ts): the refresh grace window keeps its pair this way.
 */
export interface Encryptor {
  encrypt(plaintext: string, associatedData: string): string;
  decrypt(ciphertext: string, associatedData: string): string;
}
