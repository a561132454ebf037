import type { Kysely, Selectable, SelectQueryBuilder, Transaction } from 'kysely';
import type { AuditEntry } from '../../core/model/audit-entry';
import type { AccountAuditView, AuditEntryRecord, AuditLogQuery, AuditLogView } from '../../core/model/audit-log';
import type { AuditEntryRow, Database } from './database-schema';

/** Appends audit entries inside the caller's transaction, so that they commit or vanish with their cause. */
export async function insertAuditEntries(trx: Kysely<Database> | Transaction<Database>, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await trx.insertInto('audit_entries').values(entries.map(auditEntryRow)).execute();
}

/** An audit entry as the row it is stored as (the id is the database's). */
export function auditEntryRow(entry: AuditEntry) {
  return {
    store_id: entry.storeId,
    mode: entry.mode ?? null,
    actor: entry.actor,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    details: JSON.stringify(entry.details),
    at: entry.at,
  };
}

type AuditSelect = SelectQueryBuilder<Database, 'audit_entries', Selectable<AuditEntryRow>>;

/** A page of a view, newest first, by cursor, filtered by actor and action. */
async function page(select: AuditSelect, query: AuditLogQuery): Promise<AuditEntryRecord[]> {
  let paged = select;
  if (query.after !== undefined) paged = paged.where('id', '<', query.after);
  if (query.actor !== undefined) paged = paged.where('actor', '=', query.actor);
  if (query.action !== undefined) paged = paged.where('action', '=', query.action);
  const rows = await paged.orderBy('id', 'desc').limit(query.size).execute();
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
}

/** Audit logs as the provisioning API (SPEC §5) and the dashboard (SPEC §7) read them. */
export function auditReader(db: Kysely<Database> | Transaction<Database>) {
  return {
    /** A store's log; a store-bound token's view keeps its own mode and the entries without one. */
    async listAuditEntries(view: AuditLogView, query: AuditLogQuery): Promise<AuditEntryRecord[]> {
      let select = db.selectFrom('audit_entries').selectAll().where('store_id', '=', view.storeId);
      const mode = view.mode;
      if (mode !== undefined) select = select.where((eb) => eb.or([eb('mode', 'is', null), eb('mode', '=', mode)]));
      return page(select, query);
    },

    async listAccountAuditEntries(view: AccountAuditView, query: AuditLogQuery): Promise<AuditEntryRecord[]> {
      const select = db
        .selectFrom('audit_entries')
        .selectAll()
        .where('store_id', 'is', null)
        .where((eb) =>
          eb.or([
            eb('actor', '=', view.actor),
            ...view.targets
              .filter((t) => t.ids.length > 0)
              .map((t) => eb.and([eb('target_type', '=', t.type), eb('target_id', 'in', [...t.ids])])),
          ]),
        );
      return page(select, query);
    },
  };
}
