import type { Mode } from './mode';
/** Who a session signs in: a staff member anywhere, or a shopper in one store and mode. */
export type SessionPerson =
  | { readonly type: 'user'; readonly id: string }
  | { readonly type: 'customer'; readonly id: string; readonly storeId: string; readonly mode: Mode };
