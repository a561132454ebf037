import type { FastifyPluginAsync } from 'fastify';
import { parseAuditLogQuery } from '../core/audit/parse-audit-log-query';
import { parseGrantListQuery } from '../core/provisioning/grant-list-query';
import { parsePageQuery } from '../core/provisioning/parse-page-query';
import { noStore } from './no-store';
import { actionOperations } from './openapi/provisioning-operations';
import { pageLinks } from './page-links';
import type { ProvisioningRoutesOptions } from './provisioning-routes';

const PREFIX = '/provisioning/v1';

/**
 * SPEC §5 actions on grants: `GET /grants?user_id=…|client_id=…` and `DELETE /grants/{id}`, and the
 * store's audit log (which records them), with the provisioning API's authentication and error
 * mapping. Registered by provisioning-routes.ts.
 */
export const grantRoutes: FastifyPluginAsync<ProvisioningRoutesOptions> = async (app, { service, authenticate: actorOf }) => {
  app.get<{ Querystring: Record<string, unknown> }>(
    `${PREFIX}/grants`,
    { config: { openapi: actionOperations.listGrants } },
    async (request, reply) => {
      const actor = await actorOf(request.headers.authorization);
      const filter = parseGrantListQuery(request.query);
      const page = parsePageQuery(request.query);
      const data = await service.listGrants(actor, filter, page);
      const filters = 'userId' in filter ? { user_id: filter.userId } : { client_id: filter.clientId };
      return noStore(reply).send({ data, links: pageLinks(`${PREFIX}/grants`, filters, page, data) });
    },
  );

  // SPEC §5: a store's audit log, newest first; `links.next` carries the cursor of the next page.
  app.get<{ Params: { storeId: string }; Querystring: Record<string, unknown> }>(
    `${PREFIX}/stores/:storeId/audit_entries`,
    { config: { openapi: actionOperations.auditEntries } },
    async (request, reply) => {
      const actor = await actorOf(request.headers.authorization);
      const query = parseAuditLogQuery(request.query);
      const data = await service.listAuditEntries(actor, request.params.storeId, query);
      const last = data[data.length - 1];
      const next = new URLSearchParams({ 'page[size]': String(query.size), ...(query.actor ? { actor: query.actor } : {}) });
      if (query.action) next.set('action', query.action);
      if (last) next.set('page[after]', last.id);
      const path = `${PREFIX}/stores/${encodeURIComponent(request.params.storeId)}/audit_entries`;
      return noStore(reply).send({ data, links: { next: data.length === query.size && last ? `${path}?${next}` : null } });
    },
  );

  app.delete<{ Params: { id: string } }>(
    `${PREFIX}/grants/:id`,
    { config: { openapi: actionOperations.revokeGrant } },
    async (request, reply) => {
      const actor = await actorOf(request.headers.authorization);
      await service.revokeGrant(actor, request.params.id);
      return reply.code(204).send();
    },
  );
};
