import { personActor } from '../model/audit-actor';
import type { AuditEntryRecord, AuditLogQuery } from '../model/audit-log';
import type { ProvisioningReader } from '../ports/provisioning-store';
import { appsCollection } from '../provisioning/collections/apps-collection';

/**
 * SPEC §7: a person's own activity outside any store, newest first: what they did there (signed up,
 * registered, changed, rotated or deleted an app) and what anyone did to their account or to their
 * apps. Store entries stay in the store's log, where the store's members read them.
 */
export async function accountActivity(
  userId: string,
  query: AuditLogQuery,
  reader: Pick<ProvisioningReader, 'list' | 'listAccountAuditEntries'>,
): Promise<AuditEntryRecord[]> {
  const apps = await reader.list(appsCollection.table, { fields: { owner_user_id: userId } });
  return reader.listAccountAuditEntries(
    {
      actor: personActor({ type: 'user', id: userId }),
      targets: [
        { type: 'user', ids: [userId] },
        { type: 'app', ids: apps.map((a) => a.id) },
      ],
    },
    query,
  );
}
