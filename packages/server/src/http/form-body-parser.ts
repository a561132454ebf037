import type { FastifyInstance } from 'fastify';
import { InvalidRequestError } from '../core/errors/oauth-errors';

/**
 * `application/x-www-form-urlencoded` bodies as flat string records. Written here rather than taken
 * from @fastify/formbody because RFC 6749 §3.2 forbids repeating a parameter, and a repeat must be
 * refused as `invalid_request` rather than silently turned into an array.
 */
export function registerFormBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    const params = new URLSearchParams(body as string);
    const out: Record<string, string> = {};
    for (const [key, value] of params) {
      if (Object.hasOwn(out, key)) {
        done(new InvalidRequestError(`Parameter ${key} is repeated`), undefined);
        return;
      }
      out[key] = value;
    }
    done(null, out);
  });
}
