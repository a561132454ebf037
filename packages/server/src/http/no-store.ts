import type { FastifyReply } from 'fastify';

/**
 * Nothing we answer with personal data, a secret or a token may be kept by a cache: every such
 * answer goes through one of these two.
 */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store');
}

/** RFC 6749 §5.1 (SPEC §3): OAuth JSON answers carry exactly these two caching headers. */
export function oauthNoStore(reply: FastifyReply): FastifyReply {
  return noStore(reply).header('pragma', 'no-cache');
}
