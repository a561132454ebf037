import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { normalizeAddress, parseIPv6, type TrustedProxies } from '../config/trusted-proxies';

/**
 * The address a request comes from, for rate limits (SPEC §3): the TCP peer's, or an
 * `X-Forwarded-For` entry, believed only as far as the hops that wrote it are trusted proxies
 * (`COUNTERSIGN_TRUSTED_PROXIES`). Fastify's own `trustProxy` is not used, so that `request.ip`
 * keeps meaning the peer everywhere else.
 */

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

/** `1.2.3.4:5678` and `[2001:db8::1]:443` (some proxies append ports) → the address alone. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1] as string;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  if (v4WithPort) return v4WithPort[1] as string;
  return hop;
}
