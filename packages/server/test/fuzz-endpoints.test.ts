import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { Storage } from '../src/adapters/sql/open-storage';
import { PageSession } from './support/page-session';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';
import { testDialects } from './support/test-storage';

/**
 * Property-based bad input (fast-check): generated requests at every endpoint that takes input from
 * a stranger. Whatever the request, the answer is a 4xx in the endpoint's own error format: never a
 * 5xx, never a token, nothing written (every table's row count is the same afterwards), and the server
 * keeps serving. Runs are bounded so the file stays well under a minute on both databases; a failure
 * prints fast-check's seed and the shrunk request, which reproduce it.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const OAUTH_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'unsupported_token_type',
  'too_many_requests',
]);

// ---- generators ----------------------------------------------------------------------------

const b64url = (s: string) => Buffer.from(s).toString('base64url');
/** Strings that are JWT-shaped but broken: wrong segment count, alg none, unsigned, garbage signature. */
const brokenJwt = fc.oneof(
  fc.tuple(fc.string(), fc.string(), fc.string()).map(([h, p, s]) => `${b64url(h)}.${b64url(p)}.${b64url(s)}`),
  fc.json().map((payload) => `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(payload)}.`),
  fc
    .record({ iss: fc.string(), sub: fc.string(), aud: fc.string(), exp: fc.integer() })
    .map((claims) => `${b64url('{"alg":"ES256","kid":"x"}')}.${b64url(JSON.stringify(claims))}.${b64url('sig')}`),
  fc.array(fc.base64String(), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
);
/** Any value a stranger might send: empty, huge, NUL bytes, lone surrogates, odd escapes, JSON, JWT-ish. */
const junk = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: brokenJwt },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      '\u0000',
      'a\u0000b',
      '%00',
      '%ZZ',
      '%',
      '\uD800',
      '\uFFFE',
      '../../etc/passwd',
      'null',
      '[]',
      '{}',
      ' ',
      '+',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 70_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
);
const oauthParams = [
  'grant_type',
  'client_id',
  'client_secret',
  'code',
  'code_verifier',
  'redirect_uri',
  'refresh_token',
  'username',
  'password',
  'scope',
  'assertion',
  'client_assertion',
  'client_assertion_type',
  'token',
  'token_type_hint',
  'response_type',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
];
const paramName = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...oauthParams) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const grantType = fc.oneof(
  fc.constantFrom(
    'authorization_code',
    'refresh_token',
    'password',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'implicit',
    'CLIENT_CREDENTIALS',
  ),
  junk,
);

/** A form body: named fields, extra (possibly repeated) pairs, or a raw string that is not a form at all. */
type Body = { kind: 'form'; pairs: [string, string][] } | { kind: 'raw'; contentType: string | undefined; payload: string };
const bodyOf = (fields: fc.Arbitrary<Record<string, string>>): fc.Arbitrary<Body> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fields, fc.array(fc.tuple(paramName, junk), { maxLength: 4 }))
        .map(([named, extra]) => ({ kind: 'form' as const, pairs: [...Object.entries(named), ...extra] })),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('raw' as const),
        contentType: fc.constantFrom(
          undefined,
          'application/x-www-form-urlencoded',
          'application/json',
          'text/plain',
          'multipart/form-data',
          'application/x-www-form-urlencoded; charset=latin1',
        ),
        payload: fc.oneof(junk, fc.json()),
      }),
    },
  );
const encoded = (body: Body) =>
  body.kind === 'form'
    ? { payload: new URLSearchParams(body.pairs).toString(), contentType: 'application/x-www-form-urlencoded' }
    : { payload: body.payload, contentType: body.contentType };

// ---- the properties, on each database --------------------------------------------------------

for (const dialect of await testDialects()) {
  describe(`fuzzed bad input on ${dialect}: always a 4xx in the right format, never a 5xx or a token, nothing written`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof shopWorld>>;
    let integration: { clientId: string; secret?: string };
    let rowsBefore: Record<string, number>;
    /** Client ids a request may name: the real ones (never with their secret) or strangers. */
    let clientId: fc.Arbitrary<string>;
    /** A browser at the sign-in page (its CSRF cookie and the form's hidden fields), one signed in at the consent page. */
    let signInForm: { cookie: string; hidden: Record<string, string> };
    let consentForm: { cookie: string; hidden: Record<string, string> };
    let staff: { id: string; email: string; password: string };
    const staffRedirectUri = 'https://backoffice.example/fuzz-callback';

    before(async () => {
      // The failed-attempt guard would turn most answers into 429 after ten; the fuzz wants the checks behind it.
      t = await startTestApp({ dialect, env: { COUNTERSIGN_FAILED_ATTEMPT_LIMIT: '0' } });
      w = await shopWorld(t);
      integration = await w.f.credential(w.store.id, 'test', 'integration', { scopes: ['stores.view'] });
      clientId = fc.oneof(fc.constantFrom(w.salesChannel.clientId, integration.clientId), junk);
      // The form fuzz below gets past the CSRF check: a real page, its real token and cookie, a real session.
      const webapp = await w.f.credential(w.store.id, 'test', 'webapp', { scopes: ['stores.view'], redirectUris: [staffRedirectUri] });
      staff = await w.f.user('fuzz-staff@shop.invalid', 'fuzz staff password 1');
      await w.f.membership(w.store.id, staff.id, 'admin');
      const authorizeUrl = `/oauth/authorize?${new URLSearchParams({ client_id: webapp.clientId, redirect_uri: staffRedirectUri, scope: 'stores.view', state: 'fz' })}`;
      const anonymous = new PageSession(t.app);
      const signInPage = await anonymous.get(authorizeUrl);
      assert.equal(signInPage.statusCode, 200, signInPage.body);
      signInForm = { cookie: cookieHeader(anonymous), hidden: PageSession.hiddenFields(signInPage.body) };
      assert.ok(signInForm.hidden._csrf && signInForm.hidden.return_to, 'the sign-in form carries its CSRF token and where to continue');
      const signedIn = new PageSession(t.app);
      const consentPage = await signedIn.signIn(await signedIn.get(authorizeUrl), staff.email, staff.password);
      assert.equal(consentPage.statusCode, 200, consentPage.body);
      assert.match(consentPage.body, />Approve</);
      consentForm = { cookie: cookieHeader(signedIn), hidden: PageSession.hiddenFields(consentPage.body) };
      assert.ok(consentForm.hidden._csrf && consentForm.hidden.client_id, 'the consent form carries its CSRF token and the request');
      rowsBefore = await rowCounts(t.deps.storage);
    });
    after(() => t?.close());

    const send = (method: 'GET' | 'POST', url: string, body?: Body, headers: Record<string, string> = {}) => {
      const { payload, contentType } = body ? encoded(body) : { payload: undefined, contentType: undefined };
      return t.app.inject({ method, url, payload, headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers } });
    };
    type Answer = Awaited<ReturnType<typeof send>>;

    const assertOAuthError = (res: Answer) => {
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 300)}`);
      const body = res.json();
      assert.ok(OAUTH_ERRORS.has(body.error), `unexpected error code ${body.error}`);
      assert.equal(typeof body.error_description, 'string');
      assert.equal(body.errors?.[0]?.status, res.statusCode);
      assert.equal(body.access_token, undefined);
      assert.equal(body.refresh_token, undefined);
      assert.match(String(res.headers['cache-control']), /no-store/);
    };

    test('POST /oauth/token: wrong types, missing and repeated parameters, unknown grants, broken assertions', async () => {
      const fields = fc.record(
        {
          grant_type: grantType,
          client_id: clientId,
          client_secret: junk,
          code: junk,
          code_verifier: junk,
          redirect_uri: junk,
          refresh_token: junk,
          username: fc.oneof(fc.constantFrom(w.vipShopper.email, w.shopper.email), junk),
          password: junk,
          scope: fc.oneof(fc.constantFrom('market:code:europe', 'market:all', 'stores.view'), junk),
          assertion: brokenJwt,
          client_assertion: brokenJwt,
        },
        { requiredKeys: [] },
      );
      const basic = fc.option(
        fc.tuple(clientId, junk).map(([id, secret]) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`),
        { nil: undefined },
      );
      await fc.assert(
        fc.asyncProperty(bodyOf(fields), basic, async (body, authorization) => {
          assertOAuthError(await send('POST', '/oauth/token', body, authorization ? { authorization } : {}));
        }),
        { numRuns: RUNS * 2 },
      );
    });

    test('POST /oauth/revoke and /oauth/introspect: unknown clients, wrong secrets, junk tokens', async () => {
      const fields = fc.record(
        { client_id: clientId, client_secret: junk, token: fc.oneof(junk, brokenJwt), token_type_hint: junk },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('/oauth/revoke', '/oauth/introspect'), bodyOf(fields), async (url, body) => {
          const res = await send('POST', url, body);
          // RFC 7009 §2.2: a client that authenticated (the public sales channel needs no secret) is told 200
          // for a token that is invalid or not its own, so that revocation reveals nothing.
          if (url === '/oauth/revoke' && res.statusCode === 200) return assert.deepEqual(res.json(), {});
          assertOAuthError(res);
        }),
        { numRuns: RUNS },
      );
    });

    test('GET /oauth/authorize: never a code; a page for a bad client or redirect URI, a redirect carrying error and iss otherwise', async () => {
      const fields = fc.record(
        {
          response_type: fc.oneof(fc.constantFrom('code', 'token', 'code id_token'), junk),
          client_id: clientId,
          redirect_uri: fc.oneof(fc.constantFrom('https://evil.example/cb', 'http://127.0.0.1:4000/demo/callback'), junk),
          scope: junk,
          state: junk,
          code_challenge: junk,
          code_challenge_method: fc.oneof(fc.constantFrom('S256', 'plain'), junk),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(fields, fc.array(fc.tuple(paramName, junk), { maxLength: 3 }), async (named, extra) => {
          const query = new URLSearchParams([...Object.entries(named), ...extra]).toString();
          const res = await send('GET', `/oauth/authorize?${query}`);
          assert.ok(res.statusCode === 400 || res.statusCode === 303, `${res.statusCode} ${res.body.slice(0, 300)}`);
          if (res.statusCode === 400) assert.match(String(res.headers['content-type']), /^text\/html/);
          else {
            const location = new URL(String(res.headers.location));
            assert.ok(location.searchParams.get('error'), 'the redirect reports an error');
            assert.equal(location.searchParams.get('iss'), 'http://127.0.0.1:4000');
            assert.equal(location.searchParams.get('code'), null);
          }
        }),
        { numRuns: RUNS },
      );
    });

    test('POST /oauth/signin and /oauth/consent (forms without a valid CSRF token or session): a 4xx page', async () => {
      const fields = fc.record(
        { email: fc.oneof(fc.constantFrom(w.vipShopper.email), junk), password: junk, _csrf: junk, decision: junk, request: junk },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/oauth/signin', '/oauth/consent'),
          bodyOf(fields),
          fc.option(junk, { nil: undefined }),
          async (url, body, cookie) => {
            const res = await send('POST', url, body, cookie === undefined ? {} : { cookie: `_csrf=${wellFormed(cookie)}` });
            assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 300)}`);
            assert.match(String(res.headers['content-type']), /^text\/html/);
            assert.equal(res.headers.location, undefined, 'no redirect (a code travels in one)');
          },
        ),
        { numRuns: RUNS },
      );
    });

    /**
     * One hidden field of a real form as a fuzzed request sends it: as it was, left out, replaced by junk,
     * or repeated (the form parser refuses a repeat with a 400 page).
     */
    const hiddenField = (name: string, value: string): fc.Arbitrary<[string, string][]> =>
      fc.oneof(
        { weight: 10, arbitrary: fc.constant<[string, string][]>([[name, value]]) },
        { weight: 1, arbitrary: fc.constant<[string, string][]>([]) },
        { weight: 1, arbitrary: junk.map((j): [string, string][] => [[name, j]]) },
        {
          weight: 1,
          arbitrary: junk.map((j): [string, string][] => [
            [name, value],
            [name, j],
          ]),
        },
      );
    /** A real form's fields, each fuzzed, the CSRF token kept as issued (that check is not what is fuzzed here). */
    const formAround = (hidden: Record<string, string>, own: Record<string, fc.Arbitrary<[string, string][]>>) =>
      fc
        .tuple(
          fc.tuple(
            ...Object.entries(hidden).map(([k, v]) => (k === '_csrf' ? fc.constant<[string, string][]>([[k, v]]) : hiddenField(k, v))),
          ),
          fc.tuple(...Object.values(own)),
          fc.oneof(
            { weight: 3, arbitrary: fc.constant<[string, string][]>([]) },
            {
              weight: 1,
              arbitrary: fc.array(fc.tuple(fc.oneof(paramName, fc.constantFrom('store_x', 'email', 'decision')), junk), { maxLength: 3 }),
            },
          ),
          fc.oneof(
            { weight: 4, arbitrary: fc.constant('application/x-www-form-urlencoded') },
            {
              weight: 1,
              arbitrary: fc.constantFrom('application/x-www-form-urlencoded; charset=latin1', 'application/json', 'text/plain'),
            },
          ),
        )
        .map(([hiddenPairs, ownPairs, extra, contentType]) => ({
          pairs: [...hiddenPairs.flat(), ...ownPairs.flat(), ...extra],
          contentType,
        }));
    const postForm = (url: string, cookie: string, form: { pairs: [string, string][]; contentType: string }) =>
      t.app.inject({
        method: 'POST',
        url,
        payload: new URLSearchParams(form.pairs).toString(),
        headers: { cookie, 'content-type': form.contentType },
      });
    /** No session was started: the answer sets no session cookie. */
    const assertNoSessionCookie = (res: Answer) => {
      const raw = res.headers['set-cookie'];
      for (const line of Array.isArray(raw) ? raw : raw ? [raw] : []) assert.doesNotMatch(line, /^cs_(staff|shopper)[^=]*=[^;]+/);
    };

    test('POST /oauth/signin behind a valid CSRF token: fuzzed email, password and hidden fields never sign in, never a 5xx', async () => {
      const own = {
        email: fc
          .oneof(fc.constantFrom(staff.email, w.vipShopper.email, staff.email.toUpperCase(), `${staff.email}\u0000`), junk)
          .map((v): [string, string][] => [['email', v]]),
        // Never the real password: every generated sign-in must fail or be refused.
        password: fc
          .oneof(junk, fc.constantFrom(`${staff.password}\u0000`, `${staff.password} `, staff.password.toUpperCase()))
          .filter((p) => p !== staff.password)
          .map((v): [string, string][] => [['password', v]]),
      };
      const seen = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(formAround(signInForm.hidden, own), async (form) => {
          const res = await postForm('/oauth/signin', signInForm.cookie, form);
          seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
          assertNoSessionCookie(res);
          if (res.statusCode === 303) {
            // The documented answer to a failed sign-in: back to the authorization request, which shows the form again.
            const location = new URL(String(res.headers.location), 'http://127.0.0.1:4000');
            assert.equal(location.origin, 'http://127.0.0.1:4000', `a sign-in redirects only to this server: ${res.headers.location}`);
            assert.match(location.pathname, /\/authorize$/);
            assert.equal(location.searchParams.get('code'), null);
            return;
          }
          assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 300)}`);
          assert.match(String(res.headers['content-type']), /^text\/html/);
          assert.equal(res.headers.location, undefined);
        }),
        { numRuns: RUNS / 2 },
      );
      // The fuzz reached the sign-in behind the CSRF check: failed sign-ins were sent back to the form.
      assert.ok((seen.get(303) ?? 0) > 0, `no sign-in got past the CSRF check: ${JSON.stringify([...seen])}`);
    });

    test('POST /oauth/consent with a session and a valid CSRF token: fuzzed decision, scope and hidden fields never issue a code', async () => {
      const own = {
        // Never a well-formed approval: the request fields beside it may well be intact, and that would rightly issue a code.
        decision: fc
          .oneof(
            junk.map((v): [string, string][] => [['decision', v]]),
            fc
              .constantFrom('deny', 'APPROVE', 'approve\u0000', ' approve', 'approve ', '')
              .map((v): [string, string][] => [['decision', v]]),
            fc.constant<[string, string][]>([]),
            fc.constant<[string, string][]>([
              ['decision', 'approve'],
              ['decision', 'approve'],
            ]),
          )
          .filter((pairs) => !(pairs.length === 1 && pairs[0]?.[1] === 'approve')),
        stores: fc.array(
          fc.tuple(
            fc.oneof(
              fc.constant(`store_${w.store.id}`),
              junk.map((j) => `store_${j}`),
            ),
            fc.oneof(fc.constant('on'), junk),
          ),
          {
            maxLength: 3,
          },
        ),
      };
      const seen = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(formAround(consentForm.hidden, own), async (form) => {
          const res = await postForm('/oauth/consent', consentForm.cookie, form);
          seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode === 303) {
            const location = new URL(String(res.headers.location), 'http://127.0.0.1:4000');
            assert.equal(location.searchParams.get('code'), null, `a code was issued: ${res.headers.location}`);
            if (location.origin === 'http://127.0.0.1:4000') assert.match(location.pathname, /authorize$/);
            else {
              assert.equal(`${location.origin}${location.pathname}`, staffRedirectUri, 'redirects only to the registered URI');
              assert.ok(location.searchParams.get('error'), 'the redirect reports an error');
              assert.equal(location.searchParams.get('iss'), 'http://127.0.0.1:4000');
            }
            return;
          }
          assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 300)}`);
          assert.match(String(res.headers['content-type']), /^text\/html/);
          assert.equal(res.headers.location, undefined);
        }),
        { numRuns: RUNS / 2 },
      );
      // The fuzz reached the decision behind the session and CSRF checks: refusals went back to the client.
      assert.ok((seen.get(303) ?? 0) > 0, `no consent got past the CSRF check: ${JSON.stringify([...seen])}`);
    });

    test('GET /oauth2/{app}/exchange/{code}: the envelope with success false', async () => {
      // A path segment: percent-encoded junk, raw odd escapes, or a long run (the router's parameter limit).
      const segment = fc.oneof(
        // (A segment of dots is a relative path step, resolved away before routing: not an exchange path.)
        junk.map((s) => wellFormed(s.slice(0, 300))).filter((s) => !/^\.*$/.test(s)),
        fc.constantFrom('%00', '%ZZ', '%', '%C0%AF', 'a%2Fb', '%C3%28'),
        fc.integer({ min: 100, max: 5000 }).map((n) => 'c'.repeat(n)),
      );
      await fc.assert(
        fc.asyncProperty(segment, segment, fc.option(junk, { nil: undefined }), async (app, code, secret) => {
          const url = `/oauth2/${app}/exchange/${code}`;
          const headers: Record<string, string> = {};
          if (secret !== undefined && /^[\t\x20-\x7e]*$/.test(secret) && secret.length < 8000) headers['x-client-secret'] = secret;
          const res = await send('GET', url, undefined, headers);
          assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 300)}`);
          const body = res.json();
          assert.equal(body.success, false);
          assert.equal(body.data, null);
          assert.equal(typeof body.code, 'string');
        }),
        { numRuns: RUNS },
      );
    });

    test('provisioning creates with the admin token: malformed records are refused with JSON:API errors', async () => {
      const record = fc.oneof(
        fc.json({ maxDepth: 3 }),
        fc
          .dictionary(
            fc.constantFrom('name', 'slug', 'currency', 'kind', 'scopes', 'email', 'password', 'redirect_uris', 'mode', 'code'),
            fc.oneof(
              junk.map((v) => v as unknown),
              fc.integer(),
              fc.boolean(),
              fc.constant(null),
              fc.array(junk, { maxLength: 3 }),
            ),
          )
          .map((o) => JSON.stringify(o)),
      );
      const collection = fc.constantFrom(
        '/provisioning/v1/stores',
        `/provisioning/v1/stores/${w.store.id}/credentials`,
        `/provisioning/v1/stores/${w.store.id}/markets`,
        `/provisioning/v1/stores/${w.store.id}/customers`,
      );
      const auth = fc.oneof(
        { weight: 4, arbitrary: fc.constant(`Bearer ${TEST_ADMIN_TOKEN}`) },
        { weight: 1, arbitrary: junk.map((j) => `Bearer ${j.replace(/[^\x21-\x7e]/g, '')}`) },
      );
      await fc.assert(
        // Creates only: an update may rightly accept any subset of fields (an empty one changes nothing but is valid).
        fc.asyncProperty(collection, record, auth, async (url, payload, authorization) => {
          const res = await t.app.inject({ method: 'POST', url, payload, headers: { authorization, 'content-type': 'application/json' } });
          assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 300)}`);
          const body = res.json();
          assert.ok(Array.isArray(body.errors) && body.errors.length > 0);
          assert.equal(body.errors[0].status, String(res.statusCode));
        }),
        { numRuns: RUNS },
      );
    });

    test('afterwards: nothing was written, and the server still serves', async () => {
      assert.deepEqual(await rowCounts(t.deps.storage), rowsBefore);
      assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      const res = await w.token({ grant_type: 'client_credentials', client_id: w.salesChannel.clientId, scope: 'market:code:europe' });
      assert.equal(res.statusCode, 200, res.body);
    });
  });
}

/** The Cookie header a page session would send. */
function cookieHeader(session: PageSession): string {
  return [...session.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Percent-encodes any string, lone surrogates included (as U+FFFD, which encodeURIComponent would throw on). */
function wellFormed(value: string): string {
  return encodeURIComponent(Buffer.from(value, 'utf8').toString('utf8'));
}

/** Rows per table, every table of the schema (migration bookkeeping included). */
async function rowCounts(storage: Storage): Promise<Record<string, number>> {
  const tables =
    storage.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(storage.db)).rows.map(
          (r) => r.name,
        )
      : (
          await sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = ${storage.schema} order by table_name`.execute(
            storage.db,
          )
        ).rows.map((r) => r.name);
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(storage.db)).rows[0];
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}
