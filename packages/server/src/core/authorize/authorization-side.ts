import type { ClientKind } from '../model/client';

/**
 * Which authorization endpoint a request came through (SPEC §3): `/oauth/authorize` and
 * `/auth/authorize` serve every client, `/oauth2-token/authorize` is the storefront (shoppers sign
 * in), `/{prefix}/oauth2-token/authorize` the back office (staff sign in).
 */
export type AuthorizationSide = 'any' | 'storefront' | 'backoffice';

/** Who signs in for a client: shoppers for sales channels, staff for webapps and apps. */
export const signInAudience = (kind: ClientKind): 'shopper' | 'staff' => (kind === 'sales_channel' ? 'shopper' : 'staff');

export function sideAdmits(side: AuthorizationSide, kind: ClientKind): boolean {
  if (kind === 'integration') return false; // integrations have no authorization_code grant
  if (side === 'storefront') return kind === 'sales_channel';
  if (side === 'backoffice') return kind !== 'sales_channel';
  return true;
}
