import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { InvalidRequestError } from '../core/errors/oauth-errors';
import type { ProvisioningPolicy } from '../core/provisioning/collection-definition';
import { parsePageQuery } from '../core/provisioning/parse-page-query';
import type { ProvisioningActor } from '../core/provisioning/provisioning-actor';
import { provisioningCollections } from '../core/provisioning/provisioning-collections';
import type { ProvisioningService } from '../core/provisioning/provisioning-service';
import { compromisedFlag } from './compromised-flag';
import { grantRoutes } from './grant-routes';
import { noStore } from './no-store';
import { collectionOperations } from './openapi/provisioning-operations';
import { pageLinks } from './page-links';

export interface ProvisioningRoutesOptions {
  readonly service: ProvisioningService;
  /** What the collections' schemas depend on, for the OpenAPI document's request bodies. */
  readonly policy: ProvisioningPolicy;
  /** The actor of a request by its `Authorization` header (provisioning-auth.ts, bound). */
  authenticate(authorization: string | undefined): Promise<ProvisioningActor>;
}

const PREFIX = '/provisioning/v1';

interface Params {
  storeId?: string;
  id?: string;
}

/**
 * SPEC §5: create, list, read, update and delete for every collection, plus `rotate_secret` and the
 * grant actions (grant-routes.ts). Routes
 * only translate: authenticate, hand the body to the service, shape the answer. Every answer is
 * `no-store` (records carry personal data, and the create and rotate answers carry secrets).
 */
export const provisioningRoutes: FastifyPluginAsync<ProvisioningRoutesOptions> = async (app, options) => {
  const { service } = options;
  const actorOf = (request: FastifyRequest) => options.authenticate(request.headers.authorization);

  for (const def of Object.values(provisioningCollections)) {
    const base = `${PREFIX}${def.paths.base}`;
    const item = `${PREFIX}${def.paths.item}`;
    // A store-scoped collection's store is in the path; a server-wide one's record id may be (stores).
    const storeIdOf = (p: Params) => (def.scope === 'global' ? undefined : p.storeId);
    const idOf = (p: Params) => p[def.paths.idParam] ?? '';
    const operations = collectionOperations(def, options.policy);

    app.post<{ Params: Params }>(base, { config: { openapi: operations.create } }, async (request, reply) => {
      const actor = await actorOf(request);
      const { record, secret } = await service.create(actor, def.name, storeIdOf(request.params), request.body);
      return noStore(reply)
        .code(201)
        .send(secret === undefined ? record : { ...record, client_secret: secret });
    });

    app.get<{ Params: Params; Querystring: Record<string, string | string[] | undefined> }>(
      base,
      { config: { openapi: operations.list } },
      async (request, reply) => {
        const actor = await actorOf(request);
        const mode = request.query.mode;
        if (mode !== undefined && mode !== 'test' && mode !== 'live') throw new InvalidRequestError('mode must be "test" or "live"');
        const page = parsePageQuery(request.query);
        const data = await service.list(actor, def.name, storeIdOf(request.params), mode, page);
        return noStore(reply).send({ data, links: pageLinks(request.url.split('?')[0] as string, { mode }, page, data) });
      },
    );

    app.get<{ Params: Params }>(item, { config: { openapi: operations.read } }, async (request, reply) => {
      const actor = await actorOf(request);
      return noStore(reply).send(await service.read(actor, def.name, storeIdOf(request.params), idOf(request.params)));
    });

    app.patch<{ Params: Params }>(item, { config: { openapi: operations.update } }, async (request, reply) => {
      const actor = await actorOf(request);
      return noStore(reply).send(await service.update(actor, def.name, storeIdOf(request.params), idOf(request.params), request.body));
    });

    app.delete<{ Params: Params }>(item, { config: { openapi: operations.delete } }, async (request, reply) => {
      const actor = await actorOf(request);
      await service.remove(actor, def.name, storeIdOf(request.params), idOf(request.params));
      return reply.code(204).send();
    });

    if (def.rotatesSecret) {
      app.post<{ Params: Params }>(`${item}/rotate_secret`, { config: { openapi: operations.rotateSecret } }, async (request, reply) => {
        const actor = await actorOf(request);
        const rotated = await service.rotateSecret(actor, def.name, storeIdOf(request.params), idOf(request.params), {
          compromised: compromisedFlag(request.body),
        });
        return noStore(reply).send({ client_secret: rotated.clientSecret, previous_secret_expires_at: rotated.previousSecretExpiresAt });
      });
    }
  }

  await app.register(grantRoutes, options);
};
