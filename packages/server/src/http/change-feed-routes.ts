import type { FastifyPluginAsync } from 'fastify';
import { InvalidClientError, InvalidRequestError } from '../core/errors/oauth-errors';
import type { ChangeFeedPage } from '../core/ports/change-feed';
import type { IntrospectionCaller } from '../core/tokens/introspection-caller';
import type { ClientAuthenticator } from './authenticated-token-request';
import { oauthNoStore } from './no-store';
import { presentedClientFromRequest } from './presented-client-from-request';

export interface ChangeFeedRoutesOptions {
  readonly authenticate: ClientAuthenticator;
  isAdminToken(token: string): boolean;
  /** Whether `since` is a cursor the feed hands out. */
  isCursor(since: string): boolean;
  /** core/tokens/read-change-feed.ts, bound. */
  read(caller: IntrospectionCaller, since: string | null): Promise<ChangeFeedPage>;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * `GET /oauth/changes?since=CURSOR` (SPEC §4, docs/adr/0014): the pollable change feed. The caller
 * authenticates with HTTP Basic (a store credential holding `tokens.introspect`) or as the admin
 * token (`Authorization: Bearer`). Answers `{changes, cursor, more}`; no CORS, never cached.
 */
export const changeFeedRoutes: FastifyPluginAsync<ChangeFeedRoutesOptions> = async (app, o) => {
  app.get<{ Querystring: Record<string, unknown> }>('/oauth/changes', { config: { wire: 'oauth' } }, async (request, reply) => {
    const header = request.headers.authorization?.trim() ?? '';
    const bearer = BEARER.exec(header)?.[1];
    let caller: IntrospectionCaller;
    if (bearer !== undefined) {
      if (!o.isAdminToken(bearer)) throw new InvalidClientError('Client authentication failed');
      caller = { kind: 'admin' };
    } else {
      // A GET has no body: HTTP Basic is the one way for a client to authenticate here.
      if (header === '') throw new InvalidClientError('Client authentication failed: use HTTP Basic');
      caller = { kind: 'client', client: await o.authenticate(presentedClientFromRequest(request, {})) };
    }
    const since = request.query.since;
    if (since !== undefined && (typeof since !== 'string' || !o.isCursor(since))) {
      throw new InvalidRequestError('since must be a cursor this feed returned');
    }
    const page = await o.read(caller, since ?? null);
    return oauthNoStore(reply).send({ changes: page.notices, cursor: page.cursor, more: page.more });
  });
};
