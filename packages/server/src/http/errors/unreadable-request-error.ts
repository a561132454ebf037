import { InvalidRequestError } from '../../core/errors/oauth-errors';

/**
 * Fastify's own 4xx, as `invalid_request`: a body that is not JSON, a wrong content type, a body too
 * large, a malformed URL. Its message is Fastify's, which can echo the path or the body, so the pages
 * and the exchange show a fixed sentence instead.
 */
export class UnreadableRequestError extends InvalidRequestError {}
