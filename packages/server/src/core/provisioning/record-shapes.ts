import type { Mode } from '../model/mode';

/** What every provisioned record has (SPEC §5: records are bare JSON objects, ISO-8601 timestamps). */
export type RecordShape = {
  readonly id: string;
  readonly created_at: string;
  readonly updated_at: string;
};

/** A record that belongs to a store (memberships). */
export type StoreRecordShape = RecordShape & { readonly store_id: string };

/** A record that belongs to a store and a mode (SPEC §1). */
export type StoreModeRecordShape = StoreRecordShape & { readonly mode: Mode };
