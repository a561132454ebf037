import type { ClientKind } from '../model/client';
import type { GrantType } from './grant-types';

/** SPEC §3's table: which kind of client may use which grant. */
export const grantKinds: Readonly<Record<GrantType, readonly ClientKind[]>> = {
  client_credentials: ['sales_channel', 'integration'],
  password: ['sales_channel'],
  authorization_code: ['sales_channel', 'webapp', 'app'],
  refresh_token: ['sales_channel', 'webapp', 'app'],
  'urn:ietf:params:oauth:grant-type:jwt-bearer': ['sales_channel', 'integration', 'webapp'],
};
