import type { FastifyPluginAsync } from 'fastify';
import { InsufficientScopeError } from '../core/errors/oauth-errors';
import type { ProvisioningActor } from '../core/provisioning/provisioning-actor';
import { compromisedFlag } from './compromised-flag';
import { noStore } from './no-store';
import { actionOperations } from './openapi/provisioning-operations';

export interface KeyRoutesOptions {
  /** The actor of a request by its `Authorization` header (provisioning-auth.ts, bound). */
  authenticate(authorization: string | undefined): Promise<ProvisioningActor>;
  /** core/keys/rotate-signing-keys.ts, bound. */
  rotateKeys(compromised: boolean, actor: string): Promise<{ current: string; retired: string | null }>;
}

/**
 * `POST /provisioning/v1/keys/rotate` (SPEC §4, §5): server-wide, so for the admin token only.
 * `{"compromised": true}` drops the old key at once instead of keeping it until its tokens expire.
 */
export const keyRoutes: FastifyPluginAsync<KeyRoutesOptions> = async (app, o) => {
  app.post('/provisioning/v1/keys/rotate', { config: { openapi: actionOperations.rotateKeys } }, async (request, reply) => {
    const actor = await o.authenticate(request.headers.authorization);
    if (actor.kind !== 'admin') throw new InsufficientScopeError('Signing keys are server-wide: only the admin token may rotate them');
    const compromised = compromisedFlag(request.body);
    const result = await o.rotateKeys(compromised, 'admin');
    return noStore(reply).send({ current_kid: result.current, retired_kid: result.retired, compromised });
  });
};
