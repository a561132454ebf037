import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './processes';

/** The machine, as Node sees it: CPU model, cores, memory. */
export function machine(): string {
  const cores = cpus();
  const model = (cores[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return `${model}, ${cores.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${process.platform} ${process.arch}`;
}

/** The version of an installed package (root node_modules), or of a workspace package. */
export function packageVersion(path: string): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, path, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** The commit the harness runs on, with `+changes` when the work tree differs from it (the table it writes aside). */
export function gitRevision(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!docs/benchmarks.md'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${rev}+changes` : rev;
  } catch {
    return 'unknown revision';
  }
}
