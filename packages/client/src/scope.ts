/**
 * A `scope` as SPEC §2 has it: permission scopes (`stores.view`) and restriction entries
 * (`market:code:eu`, `stock_location:id:...`), as one space-separated string or as a list.
 *
 * @example
 * const scope: Scope = ['stores.view', 'market:code:europe']; // or 'stores.view market:code:europe'
 * await authenticate('client_credentials', { issuer, clientId, clientSecret, scope });
 */
export type Scope = string | readonly string[];

/** The wire form: entries joined by single spaces; `undefined` when there is none (the server's default then applies). */
export function scopeString(scope: Scope | undefined): string | undefined {
  if (scope === undefined) return undefined;
  const entries = (typeof scope === 'string' ? scope.split(' ') : [...scope]).map((s) => s.trim()).filter((s) => s !== '');
  return entries.length > 0 ? entries.join(' ') : undefined;
}
