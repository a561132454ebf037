import type { Kysely, Transaction } from 'kysely';
import type { AuditEntry } from '../../core/model/audit-entry';
import type { AuditEntryRecord, AuditLogQuery, AuditLogView } from '../../core/model/audit-log';
import type { Database } from './database-schema';

/** Appends audit entries inside the caller's transaction, so that they commit or vanish with their cause. */
export async function insertAuditEntries(trx: Kysely<Database> | Transaction<Database>, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await trx
    .insertInto('audit_entries')
    .values(
      entries.map((entry) => ({
        store_id: entry.storeId,
        mode: entry.mode ?? null,
        actor: entry.actor,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId,
        details: JSON.stringify(entry.details),
        at: entry.at,
      })),
    )
    .execute();
}

/** A store's audit log as the provisioning API reads it (SPEC §5): newest first, by cursor. */
export function auditReader(db: Kysely<Database> | Transaction<Database>) {
  return {
    async listAuditEntries(view: AuditLogView, query: AuditLogQuery): Promise<AuditEntryRecord[]> {
      let select = db.selectFrom('audit_entries').selectAll().where('store_id', '=', view.storeId);
      const mode = view.mode;
      if (mode !== undefined) select = select.where((eb) => eb.or([eb('mode', 'is', null), eb('mode', '=', mode)]));
      if (query.after !== undefined) select = select.where('id', '<', query.after);
      if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
      if (query.action !== undefined) select = select.where('action', '=', query.action);
      const rows = await select.orderBy('id', 'desc').limit(query.size).execute();
      return rows.map((row) => ({
        id: String(row.id),
        at: row.at,
        actor: row.actor,
        action: row.action,
        target_type: row.target_type,
        target_id: row.target_id,
        mode: row.mode,
        details: JSON.parse(row.details) as Record<string, unknown>,
      }));
    },
  };
}
