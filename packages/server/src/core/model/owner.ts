/** Whom a token, a grant or a session acts for: a shopper (`customer`) or a staff member (`user`). */
export type OwnerType = 'customer' | 'user';

/** Who a grant acts for. */
export interface Owner {
  readonly type: OwnerType;
  readonly id: string;
}
