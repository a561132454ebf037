import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyInstance } from 'fastify';

export interface PageSecurityOptions {
  /** Signs the session and CSRF cookies (derived from the key-encryption key). */
  readonly cookieSecret: string;
  /** Secure cookies in production (SPEC §7). */
  readonly secureCookies: boolean;
}

/**
 * What every page with a form shares (SPEC §3, §7): signed cookies and one CSRF protection, so that
 * the authorization pages, the dashboard and the landing page read the same sessions and check the
 * same tokens. Registered once, on the context that holds the page plugins: the token endpoint and
 * the APIs, outside it, never parse or set a cookie.
 */
export async function registerPageSecurity(pages: FastifyInstance, options: PageSecurityOptions): Promise<void> {
  await pages.register(fastifyCookie, { secret: options.cookieSecret });
  await pages.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'cs_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: options.secureCookies },
  });
}
