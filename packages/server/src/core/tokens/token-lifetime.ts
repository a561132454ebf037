import type { ClientKind } from '../model/client';

/** SPEC §3: 4 h for sales channels, 2 h for the other kinds, unless the credential sets its own. */
export function accessTokenLifetime(kind: ClientKind, credentialExpiresIn: number | null): number {
  if (credentialExpiresIn !== null) return credentialExpiresIn;
  return kind === 'sales_channel' ? 14400 : 7200;
}
