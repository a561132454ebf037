import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DemoSeed } from './seed-demo';

/**
 * `data/demo.env`: the demo's ids and secrets as `export` lines named as the README's walk-through
 * names them, so that `source data/demo.env` makes every README command paste as written. Written
 * with mode 0600 beside the development key-encryption key, in development only (main.ts).
 */
export function demoEnv(issuer: string, demo: DemoSeed, adminToken: string | undefined): string {
  const [publicMarket] = demo.markets;
  const lines: [string, string][] = [
    ['ISSUER', issuer],
    ['STORE_ID', demo.storeId],
    ['MARKET_CODE', publicMarket?.code ?? 'europe'],
    ['SALES_CHANNEL_ID', demo.salesChannel.clientId],
    ['INTEGRATION_ID', demo.integration.clientId],
    ['INTEGRATION_SECRET', demo.integration.clientSecret],
    ['INTEGRATION_CREDENTIAL_ID', demo.integration.id],
    ['WEBAPP_ID', demo.webapp.clientId],
    ['WEBAPP_SECRET', demo.webapp.clientSecret],
    ['REDIRECT_URI', demo.webapp.redirectUri],
    ['USER_ID', demo.staff.id],
    ['STAFF_EMAIL', demo.staff.email],
    ['STAFF_PASSWORD', demo.staff.password],
    ['CUSTOMER_ID', demo.customer.id],
    ['SHOPPER_EMAIL', demo.customer.email],
    ['SHOPPER_PASSWORD', demo.customer.password],
  ];
  if (adminToken !== undefined) lines.push(['ADMIN_TOKEN', adminToken]);
  return [
    '# The Countersign demo store (development only): `source data/demo.env`, then the README walk-through.',
    '# Secrets: keep this file to yourself; `npm run demo:reset` replaces them (and rewrites this file).',
    ...lines.map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    '',
  ].join('\n');
}

export function writeDemoEnv(file: string, contents: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, contents, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Single-quoted for sh: the values are ids, URLs and alphanumeric secrets, but quoting costs nothing. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
