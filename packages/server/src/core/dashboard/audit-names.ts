import type { AuditEntryRecord } from '../model/audit-log';
import type { ClientDirectory } from '../ports/client-directory';
import type { PeopleDirectory } from '../ports/people-directory';
import type { ProvisioningReader, TableSpec } from '../ports/provisioning-store';
import { provisioningCollections } from '../provisioning/provisioning-collections';

/** An audit entry with the names a person reads instead of ids (SPEC §7 activity: who did what). */
export interface NamedAuditEntry extends AuditEntryRecord {
  /** The person's or client's name for `user:…` and `client:…` actors; null for the others (admin, system). */
  readonly actorName: string | null;
  /** What the entry is about, by name: the client of a grant, the record's name, a member's name; null when none is known. */
  readonly subject: string | null;
}

export interface AuditNamesDeps {
  readonly people: Pick<PeopleDirectory, 'findUser'>;
  readonly clients: ClientDirectory;
  /** Reads a record as it is now, for the name of what an entry is about. */
  readonly records: Pick<ProvisioningReader, 'find'>;
}

/** Each collection's table by the target type its audit entries name (`credential` → credentials). */
const tables: ReadonlyMap<string, TableSpec> = new Map(Object.values(provisioningCollections).map((def) => [def.targetType, def.table]));

/** Caches one lookup per key for the page being named. */
function memo<T>(find: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const seen = new Map<string, Promise<T>>();
  return (key) => {
    if (!seen.has(key)) seen.set(key, find(key));
    return seen.get(key) as Promise<T>;
  };
}

/**
 * Names the actors and subjects of a page of audit entries, each looked up once. What was deleted
 * since keeps the name its creation recorded, or its id: the log never loses what it was.
 */
export async function nameAuditEntries(entries: readonly AuditEntryRecord[], deps: AuditNamesDeps): Promise<NamedAuditEntry[]> {
  const userName = memo(async (id) => (await deps.people.findUser(id))?.name ?? null);
  const clientName = memo(async (id) => (await deps.clients.findByClientId(id))?.name ?? null);
  const recordNow = memo(async (key) => {
    const [type = '', id = ''] = key.split(' ');
    const table = tables.get(type);
    return table === undefined ? null : deps.records.find(table, id, {});
  });

  const actorName = (actor: string) => {
    if (actor.startsWith('user:')) return userName(actor.slice(5));
    if (actor.startsWith('client:')) return clientName(actor.slice(7));
    return Promise.resolve(null);
  };
  const subject = async (entry: AuditEntryRecord): Promise<string | null> => {
    if (typeof entry.details.client_id === 'string') return clientName(entry.details.client_id);
    const record =
      (entry.details.record as Readonly<Record<string, unknown>> | undefined) ??
      (await recordNow(`${entry.target_type} ${entry.target_id}`));
    if (typeof record?.name === 'string') return record.name;
    if (typeof record?.user_id === 'string') return userName(record.user_id);
    if (typeof record?.email === 'string') return record.email;
    return null;
  };
  return Promise.all(entries.map(async (entry) => ({ ...entry, actorName: await actorName(entry.actor), subject: await subject(entry) })));
}
