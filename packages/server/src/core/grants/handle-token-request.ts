import { authenticateClient } from '../client-auth/authenticate-client';
import type { PresentedClient } from '../client-auth/presented-client';
import { InvalidRequestError, UnauthorizedClientError, UnsupportedGrantTypeError } from '../errors/oauth-errors';
import type { OAuthClient } from '../model/client';
import { authorizationCodeGrant } from './authorization-code-grant';
import { clientCredentialsGrant } from './client-credentials-grant';
import { grantKinds } from './grant-kinds';
import type { GrantServices } from './grant-services';
import { isGrantType } from './grant-types';
import { jwtBearerGrant } from './jwt-bearer-grant';
import { passwordGrant } from './password-grant';
import { refreshTokenGrant } from './refresh-token-grant';
import type { TokenRequestContext } from './token-request-context';
import type { TokenParams, TokenResponse } from './token-response';

type GrantHandler = (
  client: OAuthClient,
  params: TokenParams,
  services: GrantServices,
  context: TokenRequestContext,
) => Promise<TokenResponse>;

/** The grants implemented so far, by wire name. */
const handlers: Readonly<Record<string, GrantHandler>> = {
  client_credentials: clientCredentialsGrant,
  password: passwordGrant,
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  'urn:ietf:params:oauth:grant-type:jwt-bearer': jwtBearerGrant,
};

/**
 * The token endpoint (RFC 6749 §3.2): grant type, then client authentication, then whether this kind
 * of client may use the grant, then the grant's own rules.
 */
export async function handleTokenRequest(
  params: TokenParams,
  presented: PresentedClient,
  services: GrantServices,
  context: TokenRequestContext,
): Promise<TokenResponse> {
  const grantType = params.grant_type;
  if (!grantType) throw new InvalidRequestError('grant_type is required');
  const handler = handlers[grantType];
  if (!isGrantType(grantType) || !handler) throw new UnsupportedGrantTypeError(`Unsupported grant_type: ${grantType}`);
  const client = await authenticateClient(presented, services.clients, services.hasher, services.clock);
  if (!grantKinds[grantType].includes(client.kind)) {
    throw new UnauthorizedClientError(`A ${client.kind.replace('_', ' ')} may not use the ${grantType} grant`);
  }
  return handler(client, params, services, context);
}
