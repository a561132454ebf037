/** SPEC §1: test and live are separate worlds; a record of the other mode does not exist for a token. */
export type Mode = 'test' | 'live';
