/** Timestamps are stored as ISO-8601 UTC text on both dialects (docs/adr/0001-storage.md). */
export const toIso = (ms: number): string => new Date(ms).toISOString();
export const fromIso = (iso: string): number => Date.parse(iso);
