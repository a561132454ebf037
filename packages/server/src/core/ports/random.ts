/** Randomness the core asks for (ids, secrets, codes); adapters/system/crypto-random.ts in production. */
export interface Random {
  bytes(size: number): Buffer;
}
