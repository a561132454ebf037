import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { NamedAuditEntry } from '../../core/dashboard/audit-names';
import type { ConnectedApp } from '../../core/dashboard/connected-apps';
import type { SignUpRequest } from '../../core/dashboard/sign-up';
import type { AuditEntryRecord, AuditLogQuery } from '../../core/model/audit-log';
import type { StaffUser } from '../../core/model/staff-user';
import type { StoreMembership } from '../../core/model/store-membership';
import type { SignedIn, SignInRequest } from '../../core/people/sign-in';
import type { SignInSessions } from '../../core/people/sign-in-sessions';
import type { ProvisionedRecord } from '../../core/ports/provisioning-store';
import type { ProvisioningService } from '../../core/provisioning/provisioning-service';
import { readSession } from '../person-session';
import { accountRoutes } from './account-routes';
import { activityRoutes } from './activity-routes';
import { appRoutes } from './app-routes';
import { connectedAppRoutes } from './connected-app-routes';
import { overviewRoutes } from './overview-routes';
import { storeRoutes } from './store-routes';

/** What the dashboard calls, each bound by the composition root (compose/app-options.ts). */
export interface DashboardRoutesOptions {
  /** Secure cookies in production (SPEC §7). */
  readonly secureCookies: boolean;
  readonly sessions: SignInSessions;
  /** COUNTERSIGN_SIGNUP: whether the sign-up page is offered. */
  readonly signUpOpen: boolean;
  /** The bounds of a credential's token lifetime (COUNTERSIGN_TOKEN_LIFETIME_MIN/_MAX), for the form's hint. */
  readonly lifetime: { readonly min: number; readonly max: number };
  /** core/people/sign-in.ts: the staff sign-in, with its failed-attempt limits. */
  signIn(request: SignInRequest): Promise<SignedIn>;
  /** core/dashboard/sign-up.ts. */
  signUp(request: SignUpRequest): Promise<ProvisionedRecord>;
  findUser(id: string): Promise<StaffUser | undefined>;
  /** The stores where the person has a role. */
  memberships(userId: string): Promise<StoreMembership[]>;
  /** The provisioning service, which the person uses as themselves (person-access-rule.ts). */
  readonly records: Pick<ProvisioningService, 'list' | 'read' | 'create' | 'update' | 'remove' | 'rotateSecret' | 'listAuditEntries'>;
  connectedApps(userId: string): Promise<ConnectedApp[]>;
  revokeConnectedApp(userId: string, clientId: string): Promise<number>;
  accountActivity(userId: string, query: AuditLogQuery): Promise<AuditEntryRecord[]>;
  nameEntries(entries: readonly AuditEntryRecord[]): Promise<NamedAuditEntry[]>;
  /** `rateLimitKey(clientAddress)`: failed sign-ins and sign-ups count per address. */
  addressKey(request: FastifyRequest): string;
}

/**
 * The dashboard (SPEC §7) under /dashboard: sign-in, sign-up and sign-out anyone may reach; every
 * other page only a signed-in person (a GET without a session goes to the sign-in page and comes
 * back; a POST changes nothing and goes there too). Every form is CSRF-protected (page-security.ts),
 * every page sent with the security headers (page-response.ts), every error rendered as a page
 * (render-dashboard-error.ts). The routes only translate: they read the form, call one use case,
 * and render.
 */
export const dashboardRoutes: FastifyPluginAsync<DashboardRoutesOptions> = async (app, o) => {
  // Every route of the dashboard renders its errors as dashboard pages (http/errors/).
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, wire: 'dashboard' };
  });
  await app.register(accountRoutes, o);
  await app.register(async (signedIn) => {
    signedIn.decorateRequest('dashboardUser', undefined);
    signedIn.addHook('preHandler', async (request, reply) => {
      const session = await readSession(request, o.sessions, { type: 'user' });
      const user = session === undefined ? undefined : await o.findUser(session.id);
      if (user === undefined) {
        const next = request.method === 'GET' ? `?${new URLSearchParams({ next: request.url })}` : '';
        return reply.redirect(`/dashboard/signin${next}`, 303);
      }
      request.dashboardUser = { id: user.id, name: user.name, email: user.email };
    });
    await signedIn.register(overviewRoutes, o);
    await signedIn.register(appRoutes, o);
    await signedIn.register(connectedAppRoutes, o);
    await signedIn.register(storeRoutes, o);
    await signedIn.register(activityRoutes, o);
  });
};
