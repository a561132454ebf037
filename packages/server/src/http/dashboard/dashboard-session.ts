import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserActor } from '../../core/provisioning/provisioning-actor';
import type { DashboardFrame, DashboardSection } from '../../views/dashboard/dashboard-layout';
import type { SafeHtml } from '../../views/html';
import { sendPage } from '../page-response';

/** The person signed in to the dashboard, as its pages need them (never their password hash). */
export interface DashboardUser {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the dashboard's sign-in check (dashboard-routes.ts) on every signed-in route. */
    dashboardUser?: DashboardUser;
  }
}

/** The signed-in person of a route behind the sign-in check. */
export function signedInUser(request: FastifyRequest): DashboardUser {
  const user = request.dashboardUser;
  if (user === undefined) throw new Error('a signed-in dashboard route ran without its sign-in check');
  return user;
}

/** The provisioning actor of the signed-in person: they act as themselves (person-access-rule.ts). */
export const actorOf = (request: FastifyRequest): UserActor => ({ kind: 'user', userId: signedInUser(request).id });

const NOTICE_COOKIE = 'cs_notice';

/**
 * A one-time message for the page after a change (post/redirect/get). Signed, so that nobody else can
 * make the dashboard say something; read once and cleared.
 */
export function setNotice(reply: FastifyReply, text: string, secure: boolean): void {
  reply.setCookie(NOTICE_COOKIE, text, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/dashboard', maxAge: 60 });
}

function takeNotice(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const value = request.cookies[NOTICE_COOKIE];
  if (value === undefined) return undefined;
  reply.clearCookie(NOTICE_COOKIE, { path: '/dashboard' });
  const unsigned = request.unsignCookie(value);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/**
 * Sends a signed-in dashboard page: who is signed in, a fresh CSRF token for its forms (SPEC §7), the
 * one-time notice if any, and the nonce of the page's CSP (page-response.ts).
 */
export function sendDashboardPage(
  request: FastifyRequest,
  reply: FastifyReply,
  section: DashboardSection,
  render: (frame: DashboardFrame) => SafeHtml,
  status = 200,
): FastifyReply {
  const user = signedInUser(request);
  const csrfToken = reply.generateCsrf();
  const notice = takeNotice(request, reply);
  return sendPage(reply, status, (nonce) => render({ user, csrfToken, nonce, section, notice }));
}
