/**
 * A scenario's id in reports and baselines: its feature file and its name, which survive edits
 * elsewhere in the file (line numbers do not). Two pickles with one name in one file (an outline
 * whose name does not vary) get " #2", " #3"... in document order.
 */
export function scenarioIds(pickles: ReadonlyArray<{ readonly uri: string; readonly name: string }>): string[] {
  const seen = new Map<string, number>();
  return pickles.map((p) => {
    const base = `${p.uri} :: ${p.name}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}
