/** The five grant types the token endpoint knows (SPEC §3), as their wire names. */
export const grantTypes = [
  'client_credentials',
  'password',
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
] as const;

export type GrantType = (typeof grantTypes)[number];

export const isGrantType = (value: string): value is GrantType => (grantTypes as readonly string[]).includes(value);
