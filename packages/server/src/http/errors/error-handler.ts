import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CountersignError } from '../../core/errors/countersign-error';
import { classifyError } from './classify-error';
import { renderDashboardError } from './render-dashboard-error';
import { renderExchangeError } from './render-exchange-error';
import { renderJsonApiError } from './render-json-api-error';
import { renderOAuthError } from './render-oauth-error';
import { pageErrorRenderer } from './render-page-error';
import type { WireFormat } from './wire-format';

type Renderer = (error: CountersignError | undefined, request: FastifyRequest, reply: FastifyReply) => FastifyReply;

/**
 * The one place where errors become responses (DESIGN.md): classify (our vocabulary, or unexpected),
 * log the unexpected with its request id (never answering with its message), then render in the
 * wire format the route declared, or that `unroutedWire` gives a request no route matched.
 */
export function errorHandler(options: { issuer: string; unroutedWire: (url: string) => WireFormat }) {
  const renderers: Record<WireFormat, Renderer> = {
    oauth: renderOAuthError,
    jsonapi: renderJsonApiError,
    page: pageErrorRenderer(options.issuer),
    exchange: renderExchangeError,
    dashboard: renderDashboardError,
  };
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const known = classifyError(error);
    if (known === undefined) request.log.error({ err: error }, 'unexpected error');
    // A dependency is down (storage): worth a warning, and a hint to retry on every wire.
    else if (known.status === 503) {
      request.log.warn({ err: (known as { cause?: unknown }).cause ?? known }, 'temporarily unavailable');
      reply.header('retry-after', '5');
    }
    const wire =
      request.routeOptions.url === undefined ? options.unroutedWire(request.url) : (request.routeOptions.config?.wire ?? 'jsonapi');
    return renderers[wire](known, request, reply);
  };
}
