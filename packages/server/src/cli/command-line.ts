import { parseArgs } from 'node:util';

/**
 * The command line of `main.ts`, parsed strictly (node:util parseArgs): an unknown command or flag is
 * a usage error, never silently ignored, and `--help` prints the help instead of doing anything.
 */

export type Command =
  | { readonly name: 'serve' }
  | { readonly name: 'migrate' }
  | { readonly name: 'rotate-keys'; readonly compromised: boolean; readonly dryRun: boolean }
  | { readonly name: 'demo-reset' }
  | { readonly name: 'help'; readonly text: string };

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n(run with --help for usage)`);
    this.name = 'UsageError';
  }
}

export const USAGE = `Countersign, an OAuth 2.0 authorization server

Usage: node dist/main.js [command] [options]   (npm start, npm run migrate, npm run keys:rotate -- …)

Commands:
  serve (default)   apply pending migrations, then serve HTTP on HOST:PORT
  migrate           apply pending migrations and exit
  rotate-keys       retire the current signing key and promote the next one
      --compromised   drop the retired key at once: every token it signed stops verifying
      --dry-run       say what the rotation would do, change nothing
  demo-reset        give the demo store new secrets and passwords (seeding it when missing),
                    print them and rewrite data/demo.env; old secrets stop working at once

Options:
  -h, --help        this text

Configuration comes from the environment (see the README's Configuration section).`;

const COMMAND_OPTIONS = {
  serve: {},
  migrate: {},
  'rotate-keys': { compromised: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  'demo-reset': {},
} as const;

type CommandName = keyof typeof COMMAND_OPTIONS;

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_OPTIONS, name);
}

/** `argv` without node and the script: `['rotate-keys', '--dry-run']`. Throws UsageError. */
export function parseCommandLine(argv: readonly string[]): Command {
  const first = argv[0];
  const named = first !== undefined && !first.startsWith('-');
  const name = named ? first : 'serve';
  if (!isCommandName(name)) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMAND_OPTIONS).join(', ')}`);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...(named ? argv.slice(1) : argv)],
      strict: true,
      allowPositionals: false,
      options: { ...COMMAND_OPTIONS[name], help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new UsageError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (values.help === true) return { name: 'help', text: USAGE };
  if (name === 'rotate-keys') return { name, compromised: values.compromised === true, dryRun: values['dry-run'] === true };
  return { name };
}
