/** A user's role in a store (SPEC §2): owners and admins hold every scope of a client, members the `*.view` ones. */
export type Role = 'owner' | 'admin' | 'member';
