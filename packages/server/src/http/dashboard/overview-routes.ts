import type { FastifyPluginAsync } from 'fastify';
import { overviewPage } from '../../views/dashboard/overview-page';
import type { DashboardRoutesOptions } from './dashboard-routes';
import { actorOf, sendDashboardPage, signedInUser } from './dashboard-session';

/** `GET /dashboard`: what the person has in each part of the dashboard. */
export const overviewRoutes: FastifyPluginAsync<Pick<DashboardRoutesOptions, 'records' | 'memberships' | 'connectedApps'>> = async (
  app,
  o,
) => {
  app.get('/dashboard', async (request, reply) => {
    const user = signedInUser(request);
    const [apps, stores, connected] = await Promise.all([
      o.records.list(actorOf(request), 'apps', undefined),
      o.memberships(user.id),
      o.connectedApps(user.id),
    ]);
    return sendDashboardPage(request, reply, 'overview', (frame) =>
      overviewPage(frame, { apps: apps.length, stores: stores.length, connected: connected.length }),
    );
  });
};
