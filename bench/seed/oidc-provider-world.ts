import { createHash, randomBytes } from 'node:crypto';
import { basic, CookieJar, page, tokenRequest } from '../lib/http-client';
import type { CodeFlowTarget } from '../load/load-spec';
import type { PeerServer } from '../peers/oidc-provider';

export interface PeerWorld {
  codeFlow: CodeFlowTarget;
  /** An opaque access token of `bench-opaque`, which that client introspects. */
  opaqueToken: string;
}

/**
 * Signs the peer's one account in and consents once (its auto-approving interaction handler plays the
 * person), following the redirects with a cookie jar; then checks that the next authorization request
 * answers with a code at once, as Countersign's consent reuse does.
 */
export async function seedOidcProvider(peer: PeerServer): Promise<PeerWorld> {
  const origin = peer.origin;
  const codeFlow: CodeFlowTarget = {
    origin,
    authorizePath: '/auth',
    authorizeParams: { client_id: 'bench', redirect_uri: peer.redirectUri, response_type: 'code', scope: 'api' },
    cookie: '',
    tokenPath: '/token',
    authorization: basic('bench', peer.secret),
    redirectUri: peer.redirectUri,
  };
  const jar = new CookieJar();
  const first = authorizeUrl(codeFlow);
  let res = await page(jar, first.url);
  for (let hop = 0; hop < 10 && !(res.headers.get('location') ?? '').startsWith(peer.redirectUri); hop++) {
    const next = res.headers.get('location');
    if (res.status < 300 || res.status > 399 || !next) throw new Error(`the peer's interaction stopped at ${res.status}`);
    res = await page(jar, new URL(next, origin).href);
  }
  await redeem(codeFlow, res, first.verifier);
  codeFlow.cookie = jar.header((name) => name.startsWith('_session'));

  const again = authorizeUrl(codeFlow);
  await redeem(codeFlow, await fetch(again.url, { headers: { cookie: codeFlow.cookie }, redirect: 'manual' }), again.verifier);

  const opaque = await tokenRequest(
    `${origin}/token`,
    { grant_type: 'client_credentials', scope: 'api' },
    basic('bench-opaque', peer.secret),
  );
  return { codeFlow, opaqueToken: String(opaque.access_token) };
}

function authorizeUrl(t: CodeFlowTarget): { url: string; verifier: string } {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    ...t.authorizeParams,
    state: 'seed',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  return { url: `${t.origin}${t.authorizePath}?${query}`, verifier };
}

async function redeem(t: CodeFlowTarget, res: Response, verifier: string): Promise<void> {
  const location = res.headers.get('location') ?? '';
  const code = location.startsWith(t.redirectUri) ? new URL(location).searchParams.get('code') : null;
  if (res.status < 300 || res.status > 399 || !code)
    throw new Error(`the peer's authorization endpoint answered ${res.status} without a code`);
  const answer = await tokenRequest(
    `${t.origin}${t.tokenPath}`,
    { grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, code_verifier: verifier },
    t.authorization,
  );
  if (typeof answer.refresh_token !== 'string') throw new Error('the peer gave no refresh token');
}
