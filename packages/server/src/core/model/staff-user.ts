/** A staff member or developer (SPEC §1 user), as sign-in and the grants see them. */
export interface StaffUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
}
