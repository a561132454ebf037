import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

/**
 * The address a request comes from, for rate limits (SPEC §3): the TCP peer's, or an
 * `X-Forwarded-For` entry, believed only as far as the hops that wrote it are trusted proxies
 * (`COUNTERSIGN_TRUSTED_PROXIES`). Fastify's own `trustProxy` is not used, so that `request.ip`
 * keeps meaning the peer everywhere else.
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
 * The client's address. Without a trusted peer, `X-Forwarded-For` is ignored: anyone can send one.
 * With one, the header is walked from the right (the entry the nearest proxy appended) past every
 * trusted proxy; the first address that is not one is the client. A malformed entry stops the walk
 * at the trusted hop that reported it. `undefined` only when the socket has no peer address any more.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trusted: TrustedProxies,
): string | undefined {
  let current = peer === undefined ? undefined : normalizeAddress(peer);
  if (current === undefined || forwardedFor === undefined || !trusted.has(current)) return current;
  const hops = (typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(','))
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(stripPort(hops[i] as string));
    if (hop === undefined) return current;
    current = hop;
    if (!trusted.has(current)) return current;
  }
  // Every hop was a trusted proxy: the leftmost one is as far as anyone can tell.
  return current;
}

/** The client address of a Fastify request (the socket's peer, not `request.ip`). */
export function requestClientAddress(request: FastifyRequest, trusted: TrustedProxies): string | undefined {
  return clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], trusted);
}

/**
 * The rate-limit bucket of an address: IPv4 as is, IPv6 by its /64 (SPEC §3), since one subscriber
 * usually holds a whole /64 and could otherwise rotate through it. `unknown` for a missing address.
 */
export function rateLimitKey(address: string | undefined): string {
  const normalized = address === undefined ? undefined : normalizeAddress(address);
  if (normalized === undefined) return 'unknown';
  if (isIP(normalized) === 4) return normalized;
  const hextets = parseIPv6(normalized);
  return `${hextets.slice(0, 4).join(':')}::/64`;
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
function parseIPv6(address: string): string[] {
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

/** `1.2.3.4:5678` and `[2001:db8::1]:443` (some proxies append ports) → the address alone. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1] as string;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  if (v4WithPort) return v4WithPort[1] as string;
  return hop;
}
