import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Figures } from '../load/load-spec';
import { repoRoot } from './processes';
import { formatMs, formatNumber, median } from './stats';

/** One line of the table: every round's figures for one scenario on one server. */
export interface Row {
  scenario: string;
  server: string;
  rounds: Figures[];
  /** The peer's median req/s on the same scenario, when it has one. */
  peerRps?: number;
  /** The ceiling's median req/s as seen by the same load generator, and HTTP requests per iteration. */
  ceiling?: { rps: number; requestsPerIteration: number };
}

export interface Summary {
  rps: number;
  min: number;
  max: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  failed: boolean;
}

export function summarize(rounds: readonly Figures[]): Summary {
  const rps = rounds.map((r) => r.rps);
  const non2xx = rounds.reduce((a, r) => a + r.non2xx, 0);
  const errors = rounds.reduce((a, r) => a + r.errors, 0);
  return {
    rps: median(rps),
    min: Math.min(...rps),
    max: Math.max(...rps),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    non2xx,
    errors,
    failed: non2xx > 0 || errors > 0 || rounds.some((r) => !Number.isFinite(r.rps) || r.rps === 0),
  };
}

/** The table, in Markdown (it reads as well in a terminal as in docs/benchmarks.md). */
export function renderTable(rows: readonly Row[]): string {
  const header = [
    'scenario',
    'server',
    'req/s (median)',
    'min–max',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'errors',
    '× oidc-provider',
    'of ceiling',
  ];
  const align = ['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'];
  const lines = [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`];
  for (const row of rows) {
    const s = summarize(row.rounds);
    const loud = (n: number) => (n > 0 ? `**${n} FAILED**` : '0');
    const ratio = row.peerRps && Number.isFinite(row.peerRps) ? `${(s.rps / row.peerRps).toFixed(2)}×` : '—';
    const ceiling = row.ceiling ? `${((100 * s.rps * row.ceiling.requestsPerIteration) / row.ceiling.rps).toFixed(0)}%` : '—';
    lines.push(
      `| ${row.scenario} | ${s.failed ? `**${row.server} — INVALID RUN**` : row.server} | ${formatNumber(s.rps)} | ${formatNumber(s.min)}–${formatNumber(
        s.max,
      )} | ${formatMs(s.p50)} | ${formatMs(s.p99)} | ${loud(s.non2xx)} | ${loud(s.errors)} | ${ratio} | ${ceiling} |`,
    );
  }
  return lines.join('\n');
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/**
 * Replaces the lines between `<!-- bench:start -->` and `<!-- bench:end -->` (each alone on its line) of
 * docs/benchmarks.md (added under the title when missing); everything else, the history included, is kept.
 */
export function writeDocsSection(section: string): string {
  const file = join(repoRoot, 'docs/benchmarks.md');
  const doc = readFileSync(file, 'utf8');
  const block = `${START}\n${section.trim()}\n${END}`;
  // Markers on lines of their own: the prose may quote them.
  const lines = doc.split('\n');
  const start = lines.indexOf(START);
  const end = lines.indexOf(END, start + 1);
  let next: string;
  if (start >= 0 && end > start) next = [...lines.slice(0, start), block, ...lines.slice(end + 1)].join('\n');
  else {
    const afterTitle = doc.indexOf('\n') + 1;
    next = `${doc.slice(0, afterTitle)}\n${block}\n${doc.slice(afterTitle)}`;
  }
  writeFileSync(file, next);
  return file;
}
