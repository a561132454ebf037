import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/**
 * The peer: node-oidc-provider 9, in memory (its own development adapter), configured to do what
 * Countersign does on the scenarios it has:
 * - client_credentials: a confidential client with client_secret_basic gets an ES256-signed RFC 9068
 *   JWT access token for one resource;
 * - authorization_code: the same client, PKCE S256, a staff session that already consented, so the
 *   authorization endpoint answers with a code at once; the token answer carries a JWT access token
 *   and a refresh token (no ID token: `openid` is not requested);
 * - refresh_token: rotated on every use, as Countersign does;
 * - introspection: of an opaque access token by its own client (node-oidc-provider refuses to
 *   introspect JWT access tokens, so a second client gets opaque ones).
 * The only interaction it ever shows (sign-in, then consent, once, before the load) is completed by
 * the auto-approving handler below, as a person clicking "sign in" and "approve" would.
 */
const port = Number(process.env.BENCH_PORT);
const secret = process.env.BENCH_PEER_SECRET ?? '';
const redirectUri = process.env.BENCH_PEER_REDIRECT_URI ?? 'https://bench.invalid/callback';
if (!port || secret.length < 32) throw new Error('BENCH_PORT and BENCH_PEER_SECRET are required');

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench' };
const resource = 'urn:bench:api';

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'bench',
      client_secret: secret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [redirectUri],
      scope: 'api',
      // The only key is ES256 (the default, RS256, has none).
      id_token_signed_response_alg: 'ES256',
    },
    {
      client_id: 'bench-opaque',
      client_secret: secret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [jwk] },
  scopes: ['api'],
  findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
  interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  // As Countersign: a refresh token with every code, rotated on every use (SPEC §3).
  issueRefreshToken: () => true,
  rotateRefreshToken: () => true,
  ttl: { AccessToken: 7200, ClientCredentials: 7200, AuthorizationCode: 60, RefreshToken: 14 * 24 * 3600 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // The opaque client's tokens name no resource, so they stay opaque and can be introspected.
      defaultResource: (_ctx: unknown, client: { clientId: string }) => (client.clientId === 'bench' ? resource : undefined),
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 7200,
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});

/** Completes a login or consent prompt as the one staff account would: sign in, approve what is asked. */
async function autoApprove(req: Parameters<typeof provider.interactionDetails>[0], res: Parameters<typeof provider.interactionDetails>[1]) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: 'staff' } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session?.accountId, clientId: String(details.params.client_id) });
  if (!grant) throw new Error('the interaction names a grant that is gone');
  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const handle = provider.callback();
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/interaction/')) {
    autoApprove(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(error instanceof Error ? error.message : 'interaction failed');
    });
    return;
  }
  handle(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
