/**
 * A `COUNTERSIGN_*` variable that no setting reads is almost always a typo (`COUNTERSIGN_ADMIN_TOKN`)
 * whose value is silently ignored: each one gets a warning naming the closest known setting.
 */
export function unknownVariableWarnings(env: Readonly<Record<string, string | undefined>>, known: readonly string[]): string[] {
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('COUNTERSIGN_') || known.includes(name)) continue;
    const closest = closestName(name, known);
    warnings.push(`${name} is not a Countersign setting and is ignored${closest ? `; did you mean ${closest}?` : ''}`);
  }
  return warnings;
}

/** The known name at the smallest edit distance, if it is close enough to be a plausible typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  // Past a third of the name, the "closest" name is no longer a likely meaning.
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Levenshtein distance, two rows at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
