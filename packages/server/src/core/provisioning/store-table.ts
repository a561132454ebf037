import type { TableSpec } from '../ports/provisioning-store';

/**
 * The stores' table: the tenancy every store-scoped collection lives under (SPEC §1), so the service
 * checks a path's store exists here. A store's delete reaches both ends of its records' references
 * through cascades, checked at commit.
 */
export const STORES_TABLE: TableSpec = { name: 'stores', deferReferencesOnDelete: true };
