import type { FastifyRequest } from 'fastify';

/** Header values that are never logged (SPEC §9: no secret, code, token, password or assertion). */
export const logRedaction = {
  paths: [
    'req.headers.authorization',
    'req.headers.cookie',
    'req.headers["x-client-secret"]',
    'req.headers["x-code-verifier"]',
    'res.headers["set-cookie"]',
  ],
  censor: '[redacted]',
};

/**
 * Requests are logged by method and path only: query strings can carry codes and tokens, and the app
 * exchange carries its code in the path (logged as `:code`, SPEC §3).
 */
export function requestSerializer(request: FastifyRequest) {
  const path = request.url.split('?')[0] ?? '';
  return {
    method: request.method,
    url: path.replace(/^(\/oauth2\/[^/]+\/exchange\/)[^/]+/, '$1:code'),
    remoteAddress: request.ip,
  };
}
