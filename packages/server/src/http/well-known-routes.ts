import type { FastifyPluginAsync } from 'fastify';
import { grantTypes } from '../core/grants/grant-types';
import { permissionCatalog } from '../core/scopes/permission-catalog';
import { allowAnyOrigin, registerPreflight } from './cors';

/** RFC 8414 metadata and the JWKS. Both are serialised once, not per request. */
export interface WellKnownRoutesOptions {
  readonly issuer: string;
  /** The JWKS document, serialised (core/keys/key-ring.ts). */
  jwksJson(): string;
}

export const wellKnownRoutes: FastifyPluginAsync<WellKnownRoutesOptions> = async (app, { issuer, jwksJson }) => {
  const metadata = JSON.stringify({
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: grantTypes,
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: permissionCatalog.map((p) => p.scope),
    authorization_response_iss_parameter_supported: true,
    service_documentation: `${issuer}/docs/scopes`,
  });

  registerPreflight(app, '/.well-known/oauth-authorization-server', 'GET');
  app.get('/.well-known/oauth-authorization-server', async (_request, reply) =>
    allowAnyOrigin(reply).header('content-type', 'application/json; charset=utf-8').send(metadata),
  );

  registerPreflight(app, '/.well-known/jwks.json', 'GET');
  app.get('/.well-known/jwks.json', async (_request, reply) =>
    allowAnyOrigin(reply)
      .header('content-type', 'application/jwk-set+json; charset=utf-8')
      // Short enough that a rotation's new key is seen well before it signs (it is published as `next`).
      .header('cache-control', 'public, max-age=300')
      .send(jwksJson()),
  );
};
