import type { JWTPayload } from 'jose';

/** The ids of the stores a token of ours acts on: its `store` (credential tokens) or its `stores` (apps, API keys). */
export function tokenStoreIds(claims: JWTPayload): string[] {
  const single = claims.store as { id?: unknown } | undefined;
  const many = Array.isArray(claims.stores) ? (claims.stores as { id?: unknown }[]) : [];
  return [single?.id, ...many.map((s) => s.id)].filter((id): id is string => typeof id === 'string');
}
