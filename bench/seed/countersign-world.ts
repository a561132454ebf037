import { createHash, randomBytes } from 'node:crypto';
import { basic, CookieJar, hiddenFields, page, provisioningApi, tokenRequest } from '../lib/http-client';
import type { CodeFlowTarget } from '../load/load-spec';

/** What the scenarios need from one Countersign instance, all of it made through its HTTP API. */
export interface CountersignWorld {
  storeId: string;
  integration: { clientId: string; secret: string };
  salesChannelId: string;
  /** The webapp's code flow, with a staff session that already approved it. */
  codeFlow: CodeFlowTarget;
  /** An integration token (back office, `stores.view`) for introspection and the reference API. */
  backofficeToken: string;
}

const REDIRECT_URI = 'https://bench.invalid/callback';

/**
 * Seeds a fresh Countersign through the provisioning API with the admin token (never its database):
 * a store with a public market, an integration, a sales channel, a webapp and a staff admin; then
 * signs the staff member in and approves the webapp once through the real pages, so that from then on
 * the authorization endpoint reuses the consent and answers 303 with a code.
 */
export async function seedCountersign(origin: string, adminToken: string, slug = 'bench'): Promise<CountersignWorld> {
  const post = provisioningApi(origin, adminToken);
  const store = await post('/stores', { slug, name: 'Bench', currency: 'EUR' });
  const location = await post(`/stores/${store.id}/stock_locations`, { mode: 'test', code: 'eu', name: 'EU' });
  const prices = await post(`/stores/${store.id}/price_lists`, { mode: 'test', code: 'eur', name: 'EUR', currency: 'EUR' });
  await post(`/stores/${store.id}/markets`, {
    mode: 'test',
    code: 'europe',
    name: 'Europe',
    active: true,
    price_list_id: prices.id,
    stock_location_ids: [location.id],
  });
  const integration = await post(`/stores/${store.id}/credentials`, {
    mode: 'test',
    kind: 'integration',
    name: 'bench',
    scopes: ['stores.view'],
  });
  const channel = await post(`/stores/${store.id}/credentials`, { mode: 'test', kind: 'sales_channel', name: 'bench' });
  const webapp = await post(`/stores/${store.id}/credentials`, {
    mode: 'test',
    kind: 'webapp',
    name: 'bench back office',
    scopes: ['stores.view'],
    redirect_uris: [REDIRECT_URI],
  });
  const password = randomBytes(24).toString('base64url');
  const email = `staff-${randomBytes(4).toString('hex')}@bench.invalid`;
  const user = await post('/users', { email, password, name: 'Bench Staff' });
  await post(`/stores/${store.id}/memberships`, { user_id: user.id, role: 'admin' });

  const codeFlow: CodeFlowTarget = {
    origin,
    authorizePath: '/oauth/authorize',
    authorizeParams: { client_id: webapp.client_id!, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'stores.view' },
    cookie: '',
    tokenPath: '/oauth/token',
    authorization: basic(webapp.client_id!, webapp.client_secret!),
    redirectUri: REDIRECT_URI,
  };
  codeFlow.cookie = await approveOnce(codeFlow, email, password);

  const backoffice = await tokenRequest(
    `${origin}/oauth/token`,
    { grant_type: 'client_credentials' },
    basic(integration.client_id!, integration.client_secret!),
  );
  return {
    storeId: store.id!,
    integration: { clientId: integration.client_id!, secret: integration.client_secret! },
    salesChannelId: channel.client_id!,
    codeFlow,
    backofficeToken: String(backoffice.access_token),
  };
}

/** Sign-in page → sign in → consent page → approve → code → tokens; then checks that consent is reused. */
async function approveOnce(t: CodeFlowTarget, email: string, password: string): Promise<string> {
  const jar = new CookieJar();
  const authorizeUrl = () => {
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      ...t.authorizeParams,
      state: 'seed',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    return { url: `${t.origin}${t.authorizePath}?${query}`, verifier };
  };
  const first = authorizeUrl();
  const signIn = await page(jar, first.url);
  if (signIn.status !== 200) throw new Error(`the sign-in page answered ${signIn.status}`);
  const signedIn = await page(jar, `${t.origin}/oauth/signin`, { ...hiddenFields(await signIn.text()), email, password });
  if (signedIn.status !== 303) throw new Error(`signing in answered ${signedIn.status}`);
  const consent = await page(jar, new URL(signedIn.headers.get('location') ?? '', t.origin).href);
  if (consent.status !== 200) throw new Error(`the consent page answered ${consent.status}`);
  const approved = await page(jar, `${t.origin}/oauth/consent`, { ...hiddenFields(await consent.text()), decision: 'approve' });
  await redeem(t, approved, first.verifier);

  // From now on only the staff session is needed: the webapp's consent is reused.
  const cookie = jar.header((name) => name === 'cs_staff');
  const again = authorizeUrl();
  const reused = await fetch(again.url, { headers: { cookie }, redirect: 'manual' });
  await redeem(t, reused, again.verifier);
  return cookie;
}

async function redeem(t: CodeFlowTarget, res: Response, verifier: string): Promise<void> {
  const location = res.headers.get('location') ?? '';
  const code = location.startsWith(t.redirectUri) ? new URL(location).searchParams.get('code') : null;
  if (res.status !== 303 || !code) throw new Error(`the authorization endpoint answered ${res.status}, not a redirect with a code`);
  const answer = await tokenRequest(
    `${t.origin}${t.tokenPath}`,
    { grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, code_verifier: verifier },
    t.authorization,
  );
  if (typeof answer.refresh_token !== 'string') throw new Error('the code exchange gave no refresh token');
}
