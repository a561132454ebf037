import { isAbsolute, relative } from 'node:path';
import type { Config } from '../config/load-config';
import type { DemoIds } from './demo-summary';
import type { DemoSeed } from './seed-demo';

/** What `npm start` prints once listening: where the server is, and how to use the demo store. */
export function startBanner(input: {
  readonly config: Config;
  readonly address: string;
  /** Printed in development only, where it is the generated one kept beside the database. */
  readonly developmentAdminToken: string | undefined;
  /** The demo as seeded just now (with its secrets), or as found from an earlier start (ids only). */
  readonly demo: { readonly seeded: DemoSeed } | { readonly found: DemoIds } | undefined;
  /** Where the demo's `export` lines were written, if they were. */
  readonly demoEnvFile: string | undefined;
}): string {
  const { config } = input;
  const lines = [
    '',
    `Countersign is listening on ${input.address}`,
    `  issuer        ${config.issuer}`,
    `  metadata      ${config.issuer}/.well-known/oauth-authorization-server`,
    `  JWKS          ${config.issuer}/.well-known/jwks.json`,
    `  token         ${config.issuer}/oauth/token`,
    `  dashboard     ${config.issuer}/dashboard`,
    `  database      ${config.databaseUrl ? 'PostgreSQL' : config.sqlitePath}`,
  ];
  if (input.developmentAdminToken !== undefined)
    lines.push(`  admin token   ${input.developmentAdminToken}  (development only; kept beside the database)`);
  return [...lines, demoSection(input)].join('\n');
}

/** The demo store's part of the banner (also what `npm run demo:reset` prints). */
export function demoSection(input: Pick<Parameters<typeof startBanner>[0], 'config' | 'demo' | 'demoEnvFile'>): string {
  const { config, demo } = input;
  if (!demo) return '';
  const lines: string[] = [];
  if ('seeded' in demo)
    lines.push(...(config.env === 'production' ? demoIdLines(idsOf(demo.seeded)) : demoSecretLines(config, demo.seeded)));
  else lines.push(...demoIdLines(demo.found));
  if (input.demoEnvFile) lines.push(`Every value above, as shell variables: source ${relativeToHere(input.demoEnvFile)}`, '');
  else if (config.env !== 'production')
    lines.push('The demo secrets are stored hashed and were printed when they were made: npm run demo:reset makes new ones.', '');
  return lines.join('\n');
}

/** `data/demo.env` rather than an absolute path, when it is below the working directory. */
function relativeToHere(file: string): string {
  const path = relative(process.cwd(), file);
  return path.startsWith('..') || isAbsolute(path) ? file : path;
}

function idsOf(seed: DemoSeed): DemoIds {
  return seed;
}

/** The demo's ids without any secret or password (every start; production's first one too). */
function demoIdLines(demo: DemoIds): string[] {
  return [
    '',
    `Demo store "demo" (${demo.storeId}), test mode${demo.integration ? '' : ' (some of its parts were deleted)'}:`,
    `  sales channel ${demo.salesChannel?.clientId ?? '(deleted)'}`,
    `  integration   ${demo.integration?.clientId ?? '(deleted)'}`,
    `  webapp        ${demo.webapp?.clientId ?? '(deleted)'}`,
    `  staff         ${demo.staff?.email ?? '(deleted)'}${demo.staff ? ` (${demo.staff.id})` : ''}`,
    `  shopper       ${demo.customer?.email ?? '(deleted)'}${demo.customer ? ` (${demo.customer.id})` : ''}`,
    '',
  ];
}

/** What a newcomer needs to get a first token from the demo store (development, when the secrets are made). */
function demoSecretLines(config: Config, demo: DemoSeed): string[] {
  const [publicMarket, privateMarket] = demo.markets;
  return [
    '',
    `Demo store "${demo.storeSlug}" (${demo.storeId}), test mode, with a little live data:`,
    `  markets       ${publicMarket?.code} (public), ${privateMarket?.code} (private, customer group vip)`,
    `  sales channel ${demo.salesChannel.clientId}`,
    `  integration   ${demo.integration.clientId}`,
    `                secret ${demo.integration.clientSecret}`,
    `  webapp        ${demo.webapp.clientId}`,
    `                secret ${demo.webapp.clientSecret}`,
    `  staff         ${demo.staff.email} / ${demo.staff.password}`,
    `  shopper       ${demo.customer.email} / ${demo.customer.password}`,
    '',
    'Get a token (secrets are printed when they are made; they are stored hashed):',
    `  curl -s -u '${demo.integration.clientId}:${demo.integration.clientSecret}' -d grant_type=client_credentials ${config.issuer}/oauth/token`,
    `  curl -s -d grant_type=client_credentials -d client_id=${demo.salesChannel.clientId} -d scope=market:code:${publicMarket?.code} ${config.issuer}/oauth/token`,
    '',
  ];
}
