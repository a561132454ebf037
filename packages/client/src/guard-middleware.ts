import type { CountersignClaims } from './claims.js';
import type { Guard, GuardRequirement } from './create-guard.js';
import { CountersignError, ForbiddenError, InvalidTokenError, JwksUnavailableError, RevocationDataStaleError } from './errors.js';

/**
 * The HTTP answer to a refused request: status, headers and a JSON body `{error, error_description}`.
 *
 * @example
 * const answer: GuardErrorResponse = guardErrorResponse(error);
 * res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
 */
export interface GuardErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly error: string; readonly error_description: string };
}

/**
 * How a resource server answers the guard's errors (RFC 6750 §3): 401 with
 * `WWW-Authenticate: Bearer` (and `error="invalid_token"` unless the token was missing, §3.1) for an
 * unusable token; 403 `insufficient_scope` for a token that may not make the request; 503 with
 * `Retry-After: 1` when the issuer's keys or the revocation data are not to be had. Returns
 * `undefined` for an error that is not the guard's (let your framework handle it).
 *
 * @example
 * try {
 *   request.claims = await guard.check(request.headers.authorization, { audience: 'backoffice' });
 * } catch (error) {
 *   const answer = guardErrorResponse(error);
 *   if (!answer) throw error;
 *   return reply.code(answer.status).headers(answer.headers).send(answer.body);
 * }
 */
export function guardErrorResponse(error: unknown): GuardErrorResponse | undefined {
  if (!(error instanceof CountersignError)) return undefined;
  const json = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (error instanceof InvalidTokenError) {
    const challenge =
      error.reason === 'missing' ? 'Bearer' : `Bearer error="invalid_token", error_description="${error.message.replace(/["\\]/g, '')}"`;
    return {
      status: 401,
      headers: { ...json, 'www-authenticate': challenge },
      body: { error: 'invalid_token', error_description: error.message },
    };
  }
  if (error instanceof ForbiddenError) {
    const scope = error.missingScopes.length > 0 ? `, scope="${error.missingScopes.join(' ')}"` : '';
    return {
      status: 403,
      headers: { ...json, 'www-authenticate': `Bearer error="insufficient_scope"${scope}` },
      body: { error: 'insufficient_scope', error_description: error.message },
    };
  }
  if (error instanceof RevocationDataStaleError || error instanceof JwksUnavailableError) {
    return { status: 503, headers: { ...json, 'retry-after': '1' }, body: { error: error.code, error_description: error.message } };
  }
  return undefined;
}

/** The requirement of a route, fixed or read from the request (its params, its path). */
export type RequirementOf<Request> = GuardRequirement | ((request: Request) => GuardRequirement);

const requirementFor = <Request>(requirement: RequirementOf<Request>, request: Request): GuardRequirement =>
  typeof requirement === 'function' ? requirement(request) : requirement;

/** The few members of a Fastify request the plugin reads and sets. */
export interface FastifyRequestLike {
  readonly headers: { readonly authorization?: string | undefined };
  /** The route's parameters, for a requirement that depends on them. */
  readonly params?: unknown;
  countersign?: CountersignClaims | null;
}

/** The few members of a Fastify reply the plugin uses. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: unknown): FastifyReplyLike;
}

/** The few members of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  decorateRequest(name: string, value: null): unknown;
  hasRequestDecorator(name: string): boolean;
  addHook(name: string, hook: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>): unknown;
}

/**
 * A Fastify plugin that guards every route registered beside it: each request must carry a bearer
 * token meeting the requirement, and its claims are on `request.countersign`; a refused request gets
 * the answer of `guardErrorResponse`. The plugin is not encapsulated (it applies to the context it is
 * registered in, like `fastify-plugin`), so register it inside the scope you want guarded.
 *
 * @example
 * import Fastify from 'fastify';
 * import { createGuard, fastifyGuard } from '@countersign/client';
 *
 * const app = Fastify();
 * app.register(async (backoffice) => {
 *   await backoffice.register(
 *     fastifyGuard(guard, (request) => ({ audience: 'backoffice', scopes: ['stores.view'], storeId: (request.params as { id: string }).id })),
 *   );
 *   backoffice.get('/stores/:id', async (request) => ({ by: (request as { countersign?: CountersignClaims }).countersign?.sub }));
 * });
 */
export function fastifyGuard<Request extends FastifyRequestLike = FastifyRequestLike>(
  guard: Guard,
  requirement: RequirementOf<Request>,
): (instance: FastifyInstanceLike) => Promise<void> {
  const plugin = async (instance: FastifyInstanceLike) => {
    if (!instance.hasRequestDecorator('countersign')) instance.decorateRequest('countersign', null);
    const hook = async (request: Request, reply: FastifyReplyLike) => {
      try {
        request.countersign = await guard.check(request.headers.authorization, requirementFor(requirement, request));
      } catch (error) {
        const answer = guardErrorResponse(error);
        if (!answer) throw error;
        return reply
          .code(answer.status)
          .headers({ ...answer.headers })
          .send(answer.body);
      }
      return undefined;
    };
    instance.addHook('preHandler', hook as (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>);
  };
  // Fastify's own marker (what fastify-plugin sets): the hook applies to the registering context.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'countersign-guard' });
  return plugin;
}

/** The few members of an Express (or Connect, or plain Node) request the middleware reads and sets. */
export interface ExpressRequestLike {
  readonly headers: { readonly authorization?: string | undefined };
  countersign?: CountersignClaims;
}

/** The few members of an Express (or plain Node `ServerResponse`) response the middleware uses. */
export interface ExpressResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/**
 * An Express-style middleware `(req, res, next)`: a request whose bearer token meets the requirement
 * goes on with its claims on `req.countersign`; a refused one is answered as `guardErrorResponse`
 * says; any other error goes to `next(error)`. It uses only `statusCode`, `setHeader` and `end`, so
 * it works with Express, Connect and plain `node:http` alike.
 *
 * @example
 * import express from 'express';
 * import { expressGuard } from '@countersign/client';
 *
 * const app = express();
 * app.get('/api/skus', expressGuard(guard, { audience: 'storefront' }), (req, res) => {
 *   res.json({ market: req.countersign?.market?.code });
 * });
 */
export function expressGuard<Request extends ExpressRequestLike = ExpressRequestLike>(
  guard: Guard,
  requirement: RequirementOf<Request>,
): (req: Request, res: ExpressResponseLike, next: (error?: unknown) => void) => void {
  return (req, res, next) => {
    let wanted: GuardRequirement;
    try {
      wanted = requirementFor(requirement, req);
    } catch (error) {
      next(error);
      return;
    }
    guard.check(req.headers.authorization, wanted).then(
      (claims) => {
        req.countersign = claims;
        next();
      },
      (error: unknown) => {
        const answer = guardErrorResponse(error);
        if (!answer) {
          next(error);
          return;
        }
        res.statusCode = answer.status;
        for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
        res.end(JSON.stringify(answer.body));
      },
    );
  };
}
