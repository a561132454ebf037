/**
 * `Retry-After` (RFC 9110 §10.2.3) in whole seconds from now: delay-seconds, or an HTTP-date
 * measured against `now`. `undefined` when absent or unreadable.
 */
export function retryAfterSeconds(headers: Headers, now: number = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
