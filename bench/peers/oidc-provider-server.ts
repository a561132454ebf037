import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/**
 * The peer: node-oidc-provider configured to do what Countersign's client_credentials path does —
 * a confidential client, client_secret_basic, and an ES256-signed JWT access token (RFC 9068) for one
 * resource, so that both sides sign one JWT per request and store nothing.
 */
const port = Number(process.argv[2] ?? 4201);
const secret = process.argv[3] ?? 'x'.repeat(72);
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench' };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'bench',
      client_secret: secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'api',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [jwk] },
  scopes: ['api'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'urn:bench:api',
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: 'urn:bench:api',
        accessTokenFormat: 'jwt',
        accessTokenTTL: 7200,
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${port}`));
