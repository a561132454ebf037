/**
 * `length` characters drawn uniformly from `alphabet` with the platform's CSPRNG
 * (`crypto.getRandomValues`): bytes that would bias the draw are rejected rather than folded.
 */
export function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil((length - out.length) * 1.3) + 8));
    for (const byte of bytes) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}
