import type { FastifyError } from 'fastify';
import { CountersignError } from '../../core/errors/countersign-error';
import { FormExpiredError } from './form-expired-error';
import { UnreadableRequestError } from './unreadable-request-error';

/**
 * Any error, in the one vocabulary: our own pass as they are; Fastify's own 4xx (a body that is not
 * JSON, a wrong content type, a body too large, a malformed URL) are the client's fault and become
 * `invalid_request`, except a refused CSRF token (403). Anything else is unexpected: `undefined`,
 * which the renderers log and answer `server_error`, never with its message.
 */
export function classifyError(error: unknown): CountersignError | undefined {
  if (error instanceof CountersignError) return error;
  const fastifyError = error as FastifyError | null;
  const status = fastifyError?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (typeof fastifyError?.code === 'string' && fastifyError.code.startsWith('FST_CSRF_')) {
    return new FormExpiredError('Reload the page and try again.');
  }
  return new UnreadableRequestError(fastifyError?.validation ? `Invalid request: ${fastifyError.message}` : (fastifyError?.message ?? ''));
}
