import type { FastifyRequest } from 'fastify';
import type { PresentedClient } from '../core/client-auth/presented-client';
import { InvalidClientError, InvalidRequestError } from '../core/errors/oauth-errors';

/**
 * RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. No client id or secret holds
 * a NUL byte (refuse-nul-bytes.ts: PostgreSQL cannot even look one up), so one, raw or `%00`, fails
 * client authentication like any other wrong credential.
 */
function formDecode(value: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new InvalidClientError('Client authentication failed');
  }
  if (decoded.includes('\u0000')) throw new InvalidClientError('Client authentication failed');
  return decoded;
}

/**
 * Reads the client's claimed identity from HTTP Basic or from the body, refusing requests that use
 * more than one method (RFC 6749 §2.3: "MUST NOT use more than one authentication method").
 */
export function presentedClientFromRequest(request: FastifyRequest, params: Readonly<Record<string, string | undefined>>): PresentedClient {
  const header = request.headers.authorization;
  const bodyId = params.client_id;
  const bodySecret = params.client_secret;
  if (header !== undefined) {
    const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
    if (!match?.[1]) throw new InvalidClientError('Client authentication failed');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InvalidClientError('Client authentication failed');
    const clientId = formDecode(decoded.slice(0, colon));
    const secret = formDecode(decoded.slice(colon + 1));
    if (bodySecret !== undefined) throw new InvalidRequestError('Use one client authentication method, not Basic and client_secret both');
    if (bodyId !== undefined && bodyId !== clientId) throw new InvalidRequestError('client_id does not match the Basic credentials');
    return { clientId, secret, method: 'client_secret_basic' };
  }
  if (!bodyId) throw new InvalidClientError('Client authentication failed: no client_id');
  return bodySecret !== undefined
    ? { clientId: bodyId, secret: bodySecret, method: 'client_secret_post' }
    : { clientId: bodyId, secret: undefined, method: 'none' };
}
