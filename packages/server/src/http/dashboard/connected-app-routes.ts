import type { FastifyPluginAsync } from 'fastify';
import { connectedAppsPage } from '../../views/dashboard/connected-apps-page';
import { dashboardCopy } from '../../views/dashboard/dashboard-copy';
import type { DashboardRoutesOptions } from './dashboard-routes';
import { sendDashboardPage, setNotice, signedInUser } from './dashboard-session';

const c = dashboardCopy.connected;

/**
 * Connected apps (SPEC §7): every app the person authorized, and Revoke, after which the app's API
 * keys, access tokens and refresh tokens fail at once, everywhere (core/dashboard/revoke-connected-app.ts).
 */
export const connectedAppRoutes: FastifyPluginAsync<
  Pick<DashboardRoutesOptions, 'connectedApps' | 'revokeConnectedApp' | 'secureCookies'>
> = async (app, o) => {
  app.get('/dashboard/connected-apps', async (request, reply) => {
    const apps = await o.connectedApps(signedInUser(request).id);
    return sendDashboardPage(request, reply, 'connected', (frame) => connectedAppsPage(frame, apps));
  });

  app.post<{ Params: { clientId: string } }>(
    '/dashboard/connected-apps/:clientId/revoke',
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const user = signedInUser(request);
      const name = (await o.connectedApps(user.id)).find((a) => a.clientId === request.params.clientId)?.name;
      const revoked = await o.revokeConnectedApp(user.id, request.params.clientId);
      setNotice(reply, revoked > 0 && name ? c.revoked(name) : c.nothingToRevoke, o.secureCookies);
      return reply.redirect('/dashboard/connected-apps', 303);
    },
  );
};
