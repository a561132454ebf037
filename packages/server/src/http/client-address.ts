import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyRequest } from 'fastify';
import { normalizeAddress, parseIPv6, type TrustedProxies } from '../config/trusted-proxies';

/**
 * The address a request comes from, for rate limits (SPEC §3): the TCP peer's, or an
 * `X-Forwarded-For` entry, believed only as far as the hops that wrote it are trusted proxies
 * (`COUNTERSIGN_TRUSTED_PROXIES`). The walk is @fastify/proxy-addr's, the one Fastify's
 * `trustProxy` uses for `request.ip` (build-app.ts); this file adds what the rate limits need on
 * top: one spelling per address, ports dropped, and a malformed entry never becoming a client.
 */

/** The trust function of Fastify's `trustProxy` and of the walk below: is this hop a trusted proxy? */
export function trustedProxyHop(trusted: TrustedProxies): (address: string, hop: number) => boolean {
  return (address) => {
    const normalized = normalizeAddress(stripPort(address));
    return normalized !== undefined && trusted.has(normalized);
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
  if (peer === undefined) return undefined;
  const header = forwardedFor === undefined || typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',');
  const request = { socket: { remoteAddress: peer }, headers: header === undefined ? {} : { 'x-forwarded-for': header } };
  // [peer, then hops from the right, up to and including the first one that is not trusted]
  const walked = proxyAddr.all(request as unknown as IncomingMessage, trustedProxyHop(trusted));
  for (let i = walked.length - 1; i >= 0; i--) {
    const address = normalizeAddress(stripPort(walked[i] as string));
    if (address !== undefined) return address;
  }
  return undefined;
}

/** The client address of a Fastify request, from its socket's peer and its X-Forwarded-For. */
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
function stripPort(entry: string): string {
  const hop = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1] as string;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  if (v4WithPort) return v4WithPort[1] as string;
  return hop;
}
