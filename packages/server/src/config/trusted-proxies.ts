import { BlockList, isIP } from 'node:net';

/**
 * `COUNTERSIGN_TRUSTED_PROXIES` (SPEC §3): the proxies whose `X-Forwarded-For` is believed, parsed
 * and validated once, with the rest of the configuration (load-config.ts), so that a typo stops the
 * start with a message naming the variable.
 */

/** The trusted proxies, parsed once at start. */
export interface TrustedProxies {
  has(address: string): boolean;
}

export class TrustedProxyListError extends Error {
  constructor(readonly entry: string) {
    super(`COUNTERSIGN_TRUSTED_PROXIES: "${entry}" is neither an IP address nor a CIDR range`);
    this.name = 'TrustedProxyListError';
  }
}

/**
 * Parses `COUNTERSIGN_TRUSTED_PROXIES` entries: exact addresses (`10.0.0.7`, `::1`) and CIDR ranges
 * (`10.0.0.0/8`, `fd00::/8`); IPv4-mapped IPv6 (`::ffff:10.0.0.7`) counts as the IPv4 address.
 * Throws TrustedProxyListError on an entry that is neither, so that a typo stops the start.
 */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  let empty = true;
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const slash = entry.indexOf('/');
    const address = normalizeAddress(slash === -1 ? entry : entry.slice(0, slash));
    if (address === undefined) throw new TrustedProxyListError(entry);
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (slash === -1) {
      list.addAddress(address, family);
    } else {
      const prefixText = entry.slice(slash + 1);
      let prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
      // `::ffff:10.0.0.0/104` is the IPv4 range 10.0.0.0/8.
      if (family === 'ipv4' && isIP(entry.slice(0, slash)) === 6) prefix -= 96;
      if (!(prefix >= 0 && prefix <= (family === 'ipv4' ? 32 : 128))) throw new TrustedProxyListError(entry);
      list.addSubnet(address, prefix, family);
    }
    empty = false;
  }
  if (empty) return { has: () => false };
  return {
    has(address: string): boolean {
      const normalized = normalizeAddress(address);
      if (normalized === undefined) return false;
      return list.check(normalized, isIP(normalized) === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * An address in one spelling: IPv4 as dotted quad (IPv4-mapped IPv6 included), IPv6 in lower case
 * without a zone id. `undefined` for anything that is not an IP address.
 */
export function normalizeAddress(address: string): string | undefined {
  const bare = address.trim();
  const zone = bare.indexOf('%');
  const candidate = (zone === -1 ? bare : bare.slice(0, zone)).toLowerCase();
  const family = isIP(candidate);
  if (family === 4) return candidate;
  if (family !== 6) return undefined;
  const hextets = parseIPv6(candidate);
  // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2), however it is spelled.
  if (hextets.slice(0, 5).every((h) => h === '0') && hextets[5] === 'ffff') {
    const high = Number.parseInt(hextets[6] as string, 16);
    const low = Number.parseInt(hextets[7] as string, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return candidate;
}

/** Eight hextets in lower-case hex without leading zeros; `address` must be valid IPv6 without a zone. */
export function parseIPv6(address: string): string[] {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((h) => Number.parseInt(h, 16).toString(16));
}
