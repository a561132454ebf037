import type { AuditEntryRecord } from '../model/audit-log';
import type { ClientDirectory } from '../ports/client-directory';
import type { PeopleDirectory } from '../ports/people-directory';

/** An audit entry with the names a person reads instead of ids (SPEC §7 activity: who did what). */
export interface NamedAuditEntry extends AuditEntryRecord {
  /** The person's or client's name for `user:…` and `client:…` actors; null for the others (admin, system). */
  readonly actorName: string | null;
  /** The client a grant or credential entry is about (`details.client_id`), by name. */
  readonly clientName: string | null;
}

export interface AuditNamesDeps {
  readonly people: Pick<PeopleDirectory, 'findUser'>;
  readonly clients: ClientDirectory;
}

/**
 * Names the actors and clients of a page of audit entries, each looked up once. A person or client
 * deleted since keeps its id: the log never loses who it was.
 */
export async function nameAuditEntries(entries: readonly AuditEntryRecord[], deps: AuditNamesDeps): Promise<NamedAuditEntry[]> {
  const userNames = new Map<string, Promise<string | null>>();
  const clientNames = new Map<string, Promise<string | null>>();
  const userName = (id: string) => {
    if (!userNames.has(id))
      userNames.set(
        id,
        deps.people.findUser(id).then((u) => u?.name ?? null),
      );
    return userNames.get(id) as Promise<string | null>;
  };
  const clientName = (id: string) => {
    if (!clientNames.has(id))
      clientNames.set(
        id,
        deps.clients.findByClientId(id).then((c) => c?.name ?? null),
      );
    return clientNames.get(id) as Promise<string | null>;
  };
  const actorName = (actor: string) => {
    if (actor.startsWith('user:')) return userName(actor.slice(5));
    if (actor.startsWith('client:')) return clientName(actor.slice(7));
    return Promise.resolve(null);
  };
  return Promise.all(
    entries.map(async (entry) => {
      const clientId = entry.details.client_id;
      return {
        ...entry,
        actorName: await actorName(entry.actor),
        clientName: typeof clientId === 'string' ? await clientName(clientId) : null,
      };
    }),
  );
}
