import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs, strict (an unknown flag or a positional is an error) with `--help` added;
 * prints `usage` and exits 0 on --help, prints the problem and exits 2 on a bad command line.
 */
export function parseFlags<T extends Options>(options: T, usage: string) {
  try {
    const { values } = parseArgs({
      strict: true,
      allowPositionals: false,
      options: { ...options, help: { type: 'boolean', short: 'h' } } as T,
    });
    if ((values as Record<string, unknown>).help === true) {
      console.log(usage);
      process.exit(0);
    }
    return values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n(see --help)`);
    process.exit(2);
  }
}
