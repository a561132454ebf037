import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthorizationRequest, AuthorizationTarget } from '../core/authorize/authorization-request';
import { type AuthorizationSide, signInAudience } from '../core/authorize/authorization-side';
import type { ConsentSubject } from '../core/authorize/consent-subject';
import type { AuthorizationQuery } from '../core/authorize/validate-authorization-request';
import { AuthorizationPageError } from '../core/errors/authorization-page-error';
import { NoStoreChosenError } from '../core/errors/no-store-chosen-error';
import { AccessDeniedError, TooManyRequestsError } from '../core/errors/oauth-errors';
import type { Owner } from '../core/model/owner';
import type { SignedIn, SignInRequest } from '../core/people/sign-in';
import { SignInFailedError } from '../core/people/sign-in';
import type { SignInSessions } from '../core/people/sign-in-sessions';
import type { PeopleDirectory } from '../core/ports/people-directory';
import type { StoreDirectory } from '../core/ports/store-directory';
import { describePermissions } from '../core/scopes/describe-permissions';
import { consentPage } from '../views/consent-page';
import { signInPage } from '../views/sign-in-page';
import { authorizationResponse } from './authorization-response';
import { sendPage } from './page-response';
import { endSession, type PersonSession, readSession, setFlash, startSession, takeFlash } from './person-session';

/** What the authorization pages need, each piece built once by the composition root. */
export interface AuthorizeRoutesOptions {
  readonly issuer: string;
  /** Secure cookies in production (SPEC §7); the cookies and CSRF are page-security.ts's. */
  readonly secureCookies: boolean;
  readonly backofficePrefix: string;
  readonly stores: Pick<StoreDirectory, 'findStores'>;
  readonly people: Pick<PeopleDirectory, 'findUser'>;
  readonly sessions: SignInSessions;
  /** The client and redirect URI checks (core/authorize/validate-authorization-request.ts). */
  resolveTarget(query: AuthorizationQuery, side: AuthorizationSide): Promise<AuthorizationTarget>;
  /** The checks after them, whose errors redirect back to the client. */
  validate(target: AuthorizationTarget, query: AuthorizationQuery): Promise<AuthorizationRequest>;
  signIn(request: SignInRequest): Promise<SignedIn>;
  consentSubject(request: AuthorizationRequest, owner: Owner, chosenStoreIds?: readonly string[]): Promise<ConsentSubject>;
  reusableConsent(request: AuthorizationRequest, subject: ConsentSubject): Promise<ConsentSubject | undefined>;
  issueCode(request: AuthorizationRequest, subject: ConsentSubject): Promise<string>;
  /** `rateLimitKey(clientAddress)` of a request: sign-in failures count per address. */
  addressKey(request: FastifyRequest): string;
}

/** The authorization request's own parameters, carried through the sign-in and consent forms. */
const REQUEST_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;
const SIDES: readonly AuthorizationSide[] = ['any', 'storefront', 'backoffice'];

/**
 * The browser side of SPEC §3: the authorization endpoint and its aliases, the sign-in form, the
 * consent form and sign-out. Every check of the request runs before sign-in, and again on each form
 * post (the request travels in the forms and is never trusted from them). Once the client and its
 * redirect URI are known good, `request.authorizationTarget` is set, and from then on an error RFC
 * 6749 §4.1.2.1 lets us report is redirected back to the client (http/errors/render-page-error.ts).
 */
export const authorizeRoutes: FastifyPluginAsync<AuthorizeRoutesOptions> = async (app, o) => {
  app.decorateRequest('authorizationTarget', undefined);
  const secure = o.secureCookies;
  const paths: Record<AuthorizationSide, readonly string[]> = {
    any: ['/oauth/authorize', '/auth/authorize'],
    storefront: ['/oauth2-token/authorize'],
    backoffice: [`/${o.backofficePrefix}/oauth2-token/authorize`],
  };
  const pathOf = (side: AuthorizationSide) => paths[side][0] as string;

  /** The two steps of validation, with the target recorded in between (redirectable errors from then on). */
  const validate = async (request: FastifyRequest, query: AuthorizationQuery, side: AuthorizationSide) => {
    const target = await o.resolveTarget(query, side);
    request.authorizationTarget = target;
    return o.validate(target, query);
  };
  const sessionFor = async (request: FastifyRequest, authz: AuthorizationRequest): Promise<PersonSession | undefined> => {
    if (signInAudience(authz.client.kind) === 'staff') return readSession(request, o.sessions, { type: 'user' });
    const store = authz.client.store;
    return store ? readSession(request, o.sessions, { type: 'customer', storeId: store.id, mode: authz.client.mode }) : undefined;
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
  const approve = async (reply: FastifyReply, authz: AuthorizationRequest, subject: ConsentSubject) =>
    reply.redirect(authorizationResponse(authz, { code: await o.issueCode(authz, subject) }, o.issuer), 303);

  for (const side of SIDES) {
    for (const path of paths[side]) {
      app.get(path, { config: { wire: 'page' } }, async (request, reply) => {
        const query = singleValued(request.query);
        const authz = await validate(request, query, side);
        const person = await sessionFor(request, authz);
        if (!person) return showSignIn(request, reply, authz, authorizeUrl(query, side));
        return consentOrSkip(reply, authz, person, requestFields(query, side), authorizeUrl(query, side));
      });
    }
  }

  async function showSignIn(request: FastifyRequest, reply: FastifyReply, authz: AuthorizationRequest, returnTo: string) {
    const audience = signInAudience(authz.client.kind);
    const storeName = authz.client.store ? ((await o.stores.findStores([authz.client.store.id]))[0]?.name ?? authz.client.store.slug) : '';
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
    const subject = await o.consentSubject(authz, { type: person.type, id: person.id });
    const reused = await o.reusableConsent(authz, subject);
    if (reused) return approve(reply, authz, reused);
    // The only store a person manages is ticked for them: there is nothing else to choose.
    const ticked = new Set(subject.stores.length === 1 ? subject.stores.map((s) => s.id) : []);
    return showConsent(reply, 200, { authz, person, subject, fields, returnTo, ticked });
  }

  /** The consent page; shown again (422) with the problem beside the stores when none was ticked. */
  async function showConsent(
    reply: FastifyReply,
    status: number,
    c: {
      authz: AuthorizationRequest;
      person: PersonSession;
      subject: ConsentSubject;
      fields: Record<string, string>;
      returnTo: string;
      ticked: ReadonlySet<string>;
      storesProblem?: string;
    },
  ) {
    const { authz, person, subject } = c;
    const who = person.type === 'user' ? await o.people.findUser(person.id) : undefined;
    const ownerName = await ownerNameOf(authz);
    const csrfToken = reply.generateCsrf();
    return sendPage(reply, status, (nonce) =>
      consentPage({
        appName: authz.client.name,
        ownerName,
        signedInAs: who ? `${who.name} (${who.email})` : 'shopper',
        profile: authz.client.appProfile ?? undefined,
        redirectHost: new URL(authz.redirectUri).host,
        permissions: describePermissions(subject.permissions).map((p) => p.description),
        stores:
          authz.client.kind === 'app' ? subject.stores.map((s) => ({ id: s.id, name: s.name, checked: c.ticked.has(s.id) })) : undefined,
        storesProblem: c.storesProblem,
        request: c.fields,
        audience: signInAudience(authz.client.kind),
        returnTo: c.returnTo,
        csrfToken,
        nonce,
      }),
    );
  }

  async function ownerNameOf(authz: AuthorizationRequest): Promise<string> {
    if (authz.client.ownerUserId) return (await o.people.findUser(authz.client.ownerUserId))?.name ?? 'an unknown developer';
    const store = authz.client.store;
    return store ? ((await o.stores.findStores([store.id]))[0]?.name ?? store.slug) : '';
  }

  app.post('/oauth/signin', { config: { wire: 'page' }, preHandler: app.csrfProtection }, async (request, reply) => {
    const body = formBody(request.body);
    const returnTo = body.return_to ?? '';
    const side = SIDES.find((s) => paths[s].some((p) => returnTo.startsWith(`${p}?`)));
    if (!side) throw new AuthorizationPageError('Broken sign-in form', 'The form does not say where to continue.');
    const authz = await validate(request, Object.fromEntries(new URL(returnTo, o.issuer).searchParams), side);
    const audience = signInAudience(authz.client.kind);
    if (body.audience !== audience) throw new AuthorizationPageError('Broken sign-in form', 'The form is for another kind of account.');
    const store = authz.client.store;
    if (audience === 'shopper' && !store)
      throw new AuthorizationPageError('Broken sign-in form', 'The form is for another kind of account.');
    let signedIn: SignedIn;
    try {
      signedIn = await o.signIn({
        email: body.email ?? '',
        password: body.password ?? '',
        addressKey: o.addressKey(request),
        ...(audience === 'staff' || !store ? { audience: 'staff' } : { audience: 'shopper', storeId: store.id, mode: authz.client.mode }),
      });
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
    await startSession(reply, o.sessions, person, secure);
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
    await endSession(request, reply, o.sessions, type);
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
    const authz = await validate(request, query, side);
    const person = await sessionFor(request, authz);
    if (!person) return reply.redirect(authorizeUrl(query, side), 303);
    if (body.decision !== 'approve') throw new AccessDeniedError('The user denied the request');
    const chosen =
      authz.client.kind === 'app'
        ? Object.keys(body)
            .filter((k) => k.startsWith('store_') && body[k] === 'on')
            .map((k) => k.slice(6))
        : undefined;
    const owner = { type: person.type, id: person.id };
    try {
      return await approve(reply, authz, await o.consentSubject(authz, owner, chosen));
    } catch (error) {
      if (!(error instanceof NoStoreChosenError)) throw error;
      // Not a broken request: the person forgot to choose. The page again, the problem beside the stores.
      return showConsent(reply, 422, {
        authz,
        person,
        subject: await o.consentSubject(authz, owner),
        fields: requestFields(query, side),
        returnTo: authorizeUrl(query, side),
        ticked: new Set(),
        storesProblem: error.detail,
      });
    }
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
