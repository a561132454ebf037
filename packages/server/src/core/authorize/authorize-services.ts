import type { GrantServices } from '../grants/grant-services';

/** The authorization endpoint, the authorization_code grant and the app exchange use the grant services. */
export type AuthorizeServices = GrantServices;
