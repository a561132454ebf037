/** A shopper account of one store and mode (SPEC §1), as sign-in and the grants see it. */
export interface Customer {
  readonly id: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly customerGroupId: string | null;
}
