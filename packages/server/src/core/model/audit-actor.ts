import type { Owner } from './owner';
/**
 * How the audit log names who did something (SPEC §5 audit log): the admin token, the server itself,
 * an OAuth client, or a person: `admin`, `system`, `cli`, `client:<client id>`, `user:<id>`,
 * `customer:<id>`, and `signup` for a dashboard sign-up (SPEC §7). One spelling everywhere, so that
 * the log can be filtered by actor.
 */
export type AuditActor = string;

export const clientActor = (clientId: string): AuditActor => `client:${clientId}`;

export const personActor = (person: Owner): AuditActor => (person.type === 'user' ? `user:${person.id}` : `customer:${person.id}`);
