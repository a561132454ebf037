import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDependencies } from '../compose/compose-dependencies';
import { AuthorizationPageError } from '../core/authorize/authorization-page-error';
import { AuthorizationRedirectError, type AuthorizationRequest } from '../core/authorize/authorization-request';
import { type AuthorizationSide, signInAudience } from '../core/authorize/authorization-side';
import { consentSubject } from '../core/authorize/consent-subject';
import { issueAuthorizationCode } from '../core/authorize/issue-authorization-code';
import { type AuthorizationQuery, validateAuthorizationRequest } from '../core/authorize/validate-authorization-request';
import { OAuthError, TooManyRequestsError } from '../core/errors';
import type { Owner } from '../core/model/owner';
import { type SignedIn, SignInFailedError, signIn } from '../core/people/sign-in';
import { permissionCatalog } from '../core/scopes/permission-catalog';
import { consentPage } from '../views/consent-page';
import { signInPage } from '../views/sign-in-page';
import { rateLimitKey, requestClientAddress, trustedProxies } from './client-address';
import { sendPage } from './page-response';
import { endSession, type PersonSession, readSession, setFlash, startSession, takeFlash } from './person-session';

/** The authorization request's own parameters, carried through the sign-in and consent forms. */
const REQUEST_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;
const SIDES: readonly AuthorizationSide[] = ['any', 'storefront', 'backoffice'];
const descriptions = new Map<string, string>(permissionCatalog.map((p) => [p.scope, p.description]));

/**
 * The browser side of SPEC §3: the authorization endpoint and its aliases, the sign-in form and the
 * consent form. Every check of the request runs before sign-in, and again on each form post (the
 * request travels in the forms and is never trusted from them). Errors become pages or redirects in
 * http/error-mapper.ts (`wire: 'page'`).
 */
export const authorizeRoutes: FastifyPluginAsync<{ deps: AppDependencies }> = async (app, { deps }) => {
  // Signed cookies (sessions, the CSRF secret) under a key derived from the key-encryption key. Scoped
  // to these pages: the token endpoint and the APIs never parse or set a cookie.
  await app.register(fastifyCookie, { secret: deps.cookieSecret });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'cs_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: deps.config.env === 'production' },
  });
  const services = deps.grants;
  const issuer = deps.config.issuer;
  const secure = deps.config.env === 'production';
  const trusted = trustedProxies(deps.config.trustedProxies);
  const paths: Record<AuthorizationSide, readonly string[]> = {
    any: ['/oauth/authorize', '/auth/authorize'],
    storefront: ['/oauth2-token/authorize'],
    backoffice: [`/${deps.config.backofficePrefix}/oauth2-token/authorize`],
  };
  const pathOf = (side: AuthorizationSide) => paths[side][0] as string;
  const validate = (query: AuthorizationQuery, side: AuthorizationSide) =>
    validateAuthorizationRequest(query, side, { clients: services.clients, markets: services.markets, issuer, env: deps.config.env });
  const toRedirect = (authz: AuthorizationRequest, error: unknown): never => {
    if (error instanceof OAuthError) throw new AuthorizationRedirectError(authz, error.code, error.description, issuer);
    throw error;
  };
  const sessionFor = async (request: FastifyRequest, authz: AuthorizationRequest): Promise<PersonSession | undefined> => {
    if (signInAudience(authz.client.kind) === 'staff') return readSession(request, deps.sessions, { type: 'user' });
    const store = authz.client.store;
    return store ? readSession(request, deps.sessions, { type: 'customer', storeId: store.id, mode: authz.client.mode }) : undefined;
  };
  const requestFields = (query: AuthorizationQuery, side: AuthorizationSide): Record<string, string> => {
    const fields: Record<string, string> = { side };
    for (const name of REQUEST_PARAMS) {
      const value = query[name];
      if (value !== undefined) fields[name] = value;
    }
    return fields;
  };
  const authorizeUrl = (query: AuthorizationQuery, side: AuthorizationSide) => {
    const { side: _side, ...params } = requestFields(query, side);
    return `${pathOf(side)}?${new URLSearchParams(params).toString()}`;
  };

  for (const side of SIDES) {
    for (const path of paths[side]) {
      app.get(path, { config: { wire: 'page' } }, async (request, reply) => {
        const query = singleValued(request.query);
        const authz = await validate(query, side);
        const person = await sessionFor(request, authz);
        if (!person) return showSignIn(request, reply, authz, authorizeUrl(query, side));
        return consentOrSkip(reply, authz, person, requestFields(query, side), authorizeUrl(query, side));
      });
    }
  }

  async function showSignIn(request: FastifyRequest, reply: FastifyReply, authz: AuthorizationRequest, returnTo: string) {
    const audience = signInAudience(authz.client.kind);
    const storeName = authz.client.store
      ? ((await services.stores.findStores([authz.client.store.id]))[0]?.name ?? authz.client.store.slug)
      : '';
    const error = takeFlash(request, reply);
    const csrfToken = reply.generateCsrf();
    return sendPage(reply, 200, (nonce) =>
      signInPage({ audience, storeName, appName: authz.client.name, returnTo, csrfToken, error, nonce }),
    );
  }

  async function consentOrSkip(
    reply: FastifyReply,
    authz: AuthorizationRequest,
    person: PersonSession,
    fields: Record<string, string>,
    returnTo: string,
  ) {
    const owner: Owner = { type: person.type, id: person.id };
    const subject = await consentSubject(authz, owner, services).catch((error) => toRedirect(authz, error));
    // SPEC §3: consent may be skipped for a confidential client already approved with the same
    // scope and stores, never for a public one.
    if (authz.client.confidential) {
      const managed = subject.stores.map((s) => s.id);
      const previous = await services.grants.liveGrantStoreSets(authz.client.clientId, owner, subject.scope, services.clock.now());
      const reusable = previous.find((set) => set.length > 0 && set.every((id) => managed.includes(id)));
      if (reusable) {
        const location = await issueAuthorizationCode(
          authz,
          { ...subject, stores: subject.stores.filter((s) => reusable.includes(s.id)) },
          services,
        );
        return reply.redirect(location, 303);
      }
    }
    const who = person.type === 'user' ? await services.people.findUser(person.id) : undefined;
    const ownerName = await ownerNameOf(authz);
    const csrfToken = reply.generateCsrf();
    return sendPage(reply, 200, (nonce) =>
      consentPage({
        appName: authz.client.name,
        ownerName,
        signedInAs: who ? `${who.name} (${who.email})` : 'shopper',
        permissions: subject.permissions.map((p) => descriptions.get(p) ?? p),
        stores: authz.client.kind === 'app' ? subject.stores.map((s) => ({ id: s.id, name: s.name })) : undefined,
        request: fields,
        audience: signInAudience(authz.client.kind),
        returnTo,
        csrfToken,
        nonce,
      }),
    );
  }

  async function ownerNameOf(authz: AuthorizationRequest): Promise<string> {
    if (authz.client.ownerUserId) return (await services.people.findUser(authz.client.ownerUserId))?.name ?? 'an unknown developer';
    const store = authz.client.store;
    return store ? ((await services.stores.findStores([store.id]))[0]?.name ?? store.slug) : '';
  }

  app.post('/oauth/signin', { config: { wire: 'page' }, preHandler: app.csrfProtection }, async (request, reply) => {
    const body = formBody(request.body);
    const returnTo = body.return_to ?? '';
    const side = SIDES.find((s) => paths[s].some((p) => returnTo.startsWith(`${p}?`)));
    if (!side) throw new AuthorizationPageError('Broken sign-in form', 'The form does not say where to continue.');
    const query = Object.fromEntries(new URL(returnTo, issuer).searchParams);
    const authz = await validate(query, side);
    const audience = signInAudience(authz.client.kind);
    if (body.audience !== audience) throw new AuthorizationPageError('Broken sign-in form', 'The form is for another kind of account.');
    const store = authz.client.store;
    if (audience === 'shopper' && !store)
      throw new AuthorizationPageError('Broken sign-in form', 'The form is for another kind of account.');
    let signedIn: SignedIn;
    try {
      signedIn = await signIn(
        {
          email: body.email ?? '',
          password: body.password ?? '',
          addressKey: rateLimitKey(requestClientAddress(request, trusted)),
          ...(audience === 'staff' || !store ? { audience: 'staff' } : { audience: 'shopper', storeId: store.id, mode: authz.client.mode }),
        },
        services,
      );
    } catch (error) {
      if (error instanceof TooManyRequestsError) setFlash(reply, 'throttled', secure);
      else if (error instanceof SignInFailedError) setFlash(reply, 'failed', secure);
      else throw error;
      return reply.redirect(returnTo, 303);
    }
    const person: PersonSession =
      signedIn.type === 'user'
        ? { type: 'user', id: signedIn.user.id }
        : { type: 'customer', id: signedIn.customer.id, storeId: store?.id ?? '', mode: authz.client.mode };
    await startSession(reply, deps.sessions, person, secure);
    return reply.redirect(returnTo, 303);
  });

  /**
   * SPEC §3: sign-out ends the session of the page it is posted from (CSRF-protected), then 303 to
   * where it came from, if that is one of the authorization endpoints (never an open redirect), or to
   * the start page.
   */
  app.post('/oauth/signout', { config: { wire: 'page' }, preHandler: app.csrfProtection }, async (request, reply) => {
    const body = formBody(request.body);
    const type = body.session === 'shopper' ? 'customer' : 'user';
    await endSession(request, reply, deps.sessions, type);
    const returnTo = body.return_to ?? '';
    const local = SIDES.some((s) => paths[s].some((p) => returnTo.startsWith(`${p}?`)));
    return reply.redirect(local ? returnTo : '/', 303);
  });

  app.post('/oauth/consent', { config: { wire: 'page' }, preHandler: app.csrfProtection }, async (request, reply) => {
    const body = formBody(request.body);
    const side = SIDES.find((s) => s === body.side);
    if (!side) throw new AuthorizationPageError('Broken consent form', 'The form does not say which sign-in it belongs to.');
    const query: Record<string, string> = {};
    for (const name of REQUEST_PARAMS) if (body[name] !== undefined) query[name] = body[name] as string;
    const authz = await validate(query, side);
    const person = await sessionFor(request, authz);
    if (!person) return reply.redirect(authorizeUrl(query, side), 303);
    if (body.decision !== 'approve') throw new AuthorizationRedirectError(authz, 'access_denied', 'The user denied the request', issuer);
    const chosen =
      authz.client.kind === 'app'
        ? Object.keys(body)
            .filter((k) => k.startsWith('store_') && body[k] === 'on')
            .map((k) => k.slice(6))
        : undefined;
    const subject = await consentSubject(authz, { type: person.type, id: person.id }, services, chosen).catch((error) =>
      toRedirect(authz, error),
    );
    return reply.redirect(await issueAuthorizationCode(authz, subject, services), 303);
  });
};

/** Query parameters as single strings; a repeated one is refused (RFC 6749 §3.1). */
function singleValued(query: unknown): AuthorizationQuery {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new AuthorizationPageError('Malformed request', `The parameter ${key} is repeated.`);
    out[key] = value;
  }
  return out;
}

function formBody(body: unknown): Record<string, string | undefined> {
  return typeof body === 'object' && body !== null ? (body as Record<string, string | undefined>) : {};
}
