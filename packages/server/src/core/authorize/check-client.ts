import { AuthorizationPageError } from '../errors/authorization-page-error';
import type { OAuthClient } from '../model/client';
import type { ClientDirectory } from '../ports/client-directory';
import { type AuthorizationSide, sideAdmits } from './authorization-side';

/** Step 1: a known client that may use this authorization endpoint. Failures never redirect. */
export async function checkClient(clientId: string | undefined, side: AuthorizationSide, clients: ClientDirectory): Promise<OAuthClient> {
  if (!clientId) throw new AuthorizationPageError('Missing client', 'The request names no client_id.');
  const client = await clients.findByClientId(clientId);
  if (!client) throw new AuthorizationPageError('Unknown client', 'No application is registered under this client_id.');
  if (!sideAdmits(side, client.kind)) {
    const where = side === 'storefront' ? 'the storefront' : side === 'backoffice' ? 'the back office' : 'this page';
    throw new AuthorizationPageError('Wrong sign-in page', `This application cannot sign in through ${where}.`);
  }
  return client;
}
