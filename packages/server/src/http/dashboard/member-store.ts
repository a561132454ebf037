import type { FastifyRequest } from 'fastify';
import { RecordNotFoundError } from '../../core/errors/record-errors';
import type { StoreMembership } from '../../core/model/store-membership';
import type { DashboardRoutesOptions } from './dashboard-routes';
import { signedInUser } from './dashboard-session';

/** The store of the path, with the signed-in person's role; a store where they have none does not exist for them (404). */
export async function memberStore(
  memberships: DashboardRoutesOptions['memberships'],
  request: FastifyRequest<{ Params: { storeId: string } }>,
): Promise<StoreMembership> {
  const store = (await memberships(signedInUser(request).id)).find((s) => s.id === request.params.storeId);
  if (store === undefined) throw new RecordNotFoundError('store', request.params.storeId);
  return store;
}
