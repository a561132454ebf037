import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { TooManyRequestsError } from '../../core/errors/oauth-errors';
import { RecordValidationError } from '../../core/errors/record-errors';
import { SignUpClosedError } from '../../core/errors/sign-up-closed-error';
import { SignInFailedError } from '../../core/people/sign-in';
import { dashboardSignInPage, signUpClosedPage, signUpPage } from '../../views/dashboard/account-pages';
import { dashboardCopy } from '../../views/dashboard/dashboard-copy';
import { emptyForm, type FormState } from '../../views/dashboard/form-fields';
import { sendPage } from '../page-response';
import { endSession, startSession } from '../person-session';
import type { DashboardRoutesOptions } from './dashboard-routes';
import { formBody, formProblems, typedValues } from './form-input';

type AccountOptions = Pick<DashboardRoutesOptions, 'secureCookies' | 'sessions' | 'signUpOpen' | 'signIn' | 'signUp' | 'addressKey'>;

/**
 * Where to go after signing in: a dashboard path of this server, never anywhere else (no open
 * redirect); the overview otherwise.
 */
function nextPath(next: string | undefined): string {
  if (next === undefined || !next.startsWith('/dashboard') || next.startsWith('/dashboard/sign')) return '/dashboard';
  const url = new URL(next, 'http://countersign.invalid');
  const inside = url.pathname === '/dashboard' || url.pathname.startsWith('/dashboard/');
  return url.origin === 'http://countersign.invalid' && inside ? `${url.pathname}${url.search}` : '/dashboard';
}

const c = dashboardCopy;

/**
 * Sign-in, sign-up and sign-out (SPEC §3, §7). Sign-in is core/people/sign-in.ts, the same as the
 * authorization pages' (failures counted before the password is checked, per account and address,
 * with back-off) and the same session: signing in here signs the person in on the authorization pages
 * too, and signing out ends it server side. Sign-up is core/dashboard/sign-up.ts.
 */
export const accountRoutes: FastifyPluginAsync<AccountOptions> = async (app, o) => {
  const showSignIn = (
    reply: FastifyReply,
    status: number,
    p: {
      form: FormState;
      next: string;
      message?: { kind: 'error' | 'notice'; text: string };
    },
  ) => {
    const csrfToken = reply.generateCsrf();
    return sendPage(reply, status, (nonce) => dashboardSignInPage({ ...p, csrfToken, nonce, signUpOpen: o.signUpOpen }));
  };

  app.get<{ Querystring: { next?: string; signed_out?: string } }>('/dashboard/signin', async (request, reply) =>
    showSignIn(reply, 200, {
      form: emptyForm,
      next: nextPath(request.query.next),
      ...(request.query.signed_out === '1' ? { message: { kind: 'notice', text: c.signIn.signedOut } } : {}),
    }),
  );

  app.post('/dashboard/signin', { preHandler: app.csrfProtection }, async (request, reply) => {
    const body = formBody(request.body);
    const next = nextPath(body.next);
    try {
      const signedIn = await o.signIn({
        email: body.email ?? '',
        password: body.password ?? '',
        addressKey: o.addressKey(request),
        audience: 'staff',
      });
      if (signedIn.type !== 'user') throw new Error('a staff sign-in signed in someone else');
      await startSession(reply, o.sessions, { type: 'user', id: signedIn.user.id }, o.secureCookies);
      return reply.redirect(next, 303);
    } catch (error) {
      const form = { values: { email: body.email ?? '' }, problems: {} };
      if (error instanceof SignInFailedError)
        return showSignIn(reply, 401, { form, next, message: { kind: 'error', text: c.signIn.failed } });
      if (!(error instanceof TooManyRequestsError)) throw error;
      reply.header('retry-after', String(error.retryAfterSeconds));
      return showSignIn(reply, 429, { form, next, message: { kind: 'error', text: c.signIn.throttled(error.retryAfterSeconds) } });
    }
  });

  /** SPEC §3: sign-out ends the session server side (a POST with its CSRF token), then the sign-in page. */
  app.post('/dashboard/signout', { preHandler: app.csrfProtection }, async (request, reply) => {
    await endSession(request, reply, o.sessions, 'user');
    return reply.redirect('/dashboard/signin?signed_out=1', 303);
  });

  const showSignUp = (reply: FastifyReply, status: number, form: FormState, message?: { kind: 'error'; text: string }) => {
    if (!o.signUpOpen) return sendPage(reply, 403, (nonce) => signUpClosedPage({ nonce }));
    const csrfToken = reply.generateCsrf();
    return sendPage(reply, status, (nonce) => signUpPage({ form, next: '/dashboard', csrfToken, nonce, message }));
  };

  app.get('/dashboard/signup', async (_request, reply) => showSignUp(reply, 200, emptyForm));

  app.post('/dashboard/signup', { preHandler: app.csrfProtection }, async (request, reply) => {
    const body = formBody(request.body);
    try {
      const user = await o.signUp({
        email: body.email ?? '',
        name: body.name ?? '',
        password: body.password ?? '',
        addressKey: o.addressKey(request),
      });
      await startSession(reply, o.sessions, { type: 'user', id: user.id }, o.secureCookies);
      return reply.redirect('/dashboard', 303);
    } catch (error) {
      if (error instanceof SignUpClosedError) return showSignUp(reply, 403, emptyForm);
      const values = typedValues(body);
      if (error instanceof RecordValidationError) {
        return showSignUp(reply, 422, { values, problems: formProblems(error, body, ['name', 'email', 'password']) });
      }
      if (!(error instanceof TooManyRequestsError)) throw error;
      reply.header('retry-after', String(error.retryAfterSeconds));
      return showSignUp(reply, 429, { values, problems: {} }, { kind: 'error', text: c.signUp.throttled(error.retryAfterSeconds) });
    }
  });
};
