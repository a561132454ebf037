import type { FastifyPluginAsync } from 'fastify';
import type { AppDependencies } from '../compose-dependencies';
import { parseGrantListQuery } from '../core/provisioning/grant-list-query';
import { authenticateProvisioning, type StoreTokenVerifier } from './provisioning-auth';

export interface GrantRoutesOptions {
  deps: AppDependencies;
  verifyStoreToken?: StoreTokenVerifier | undefined;
}

const PREFIX = '/provisioning/v1';

/**
 * SPEC §5 actions on grants: `GET /grants?user_id=…|client_id=…` and `DELETE /grants/{id}`, with the
 * provisioning API's authentication and error mapping. Registered by provisioning-routes.ts.
 */
export const grantRoutes: FastifyPluginAsync<GrantRoutesOptions> = async (app, { deps, verifyStoreToken }) => {
  const service = deps.provisioning;
  const actorOf = (authorization: string | undefined) => authenticateProvisioning(authorization, deps.config.adminToken, verifyStoreToken);

  app.get<{ Querystring: Record<string, unknown> }>(`${PREFIX}/grants`, async (request, reply) => {
    const actor = await actorOf(request.headers.authorization);
    const filter = parseGrantListQuery(request.query);
    reply.header('cache-control', 'no-store');
    return reply.send({ data: await service.listGrants(actor, filter) });
  });

  app.delete<{ Params: { id: string } }>(`${PREFIX}/grants/:id`, async (request, reply) => {
    const actor = await actorOf(request.headers.authorization);
    await service.revokeGrant(actor, request.params.id);
    return reply.code(204).send();
  });
};
