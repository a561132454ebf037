import type { FastifyPluginAsync } from 'fastify';
import type { AppDependencies } from '../compose/compose-dependencies';
import { rotateKeys } from '../compose/rotate-keys';
import { InsufficientScopeError } from '../core/errors';
import { compromisedFlag } from './compromised-flag';
import { authenticateProvisioning, type StoreTokenVerifier } from './provisioning-auth';

/**
 * `POST /provisioning/v1/keys/rotate` (SPEC §4, §5): server-wide, so for the admin token only.
 * `{"compromised": true}` drops the old key at once instead of keeping it until its tokens expire.
 */
export const keyRoutes: FastifyPluginAsync<{ deps: AppDependencies; verifyStoreToken: StoreTokenVerifier }> = async (
  app,
  { deps, verifyStoreToken },
) => {
  app.post('/provisioning/v1/keys/rotate', async (request, reply) => {
    const actor = await authenticateProvisioning(request.headers.authorization, deps.config.adminToken, verifyStoreToken);
    if (actor.kind !== 'admin') throw new InsufficientScopeError('Signing keys are server-wide: only the admin token may rotate them');
    const compromised = compromisedFlag(request.body);
    const result = await rotateKeys(deps, compromised, 'admin');
    return reply
      .header('cache-control', 'no-store')
      .send({ current_kid: result.current, retired_kid: result.retired, compromised: compromised });
  });
};
