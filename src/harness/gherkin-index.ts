/** Where each Gherkin node sits: lines and feature names for reports, from gherkinDocument messages. */
import type { GherkinDocument, Pickle } from './cucumber-messages.js';

export class GherkinIndex {
  private readonly lines = new Map<string, number>();
  private readonly featureNames = new Map<string, string>();
  private readonly keywords = new Map<string, string>();

  add(doc: GherkinDocument): void {
    const feature = doc.feature;
    if (!feature || doc.uri === undefined) return;
    this.featureNames.set(doc.uri, feature.name);
    const children = feature.children.flatMap((c) => [c, ...(c.rule?.children ?? [])]);
    for (const c of children) for (const step of c.background?.steps ?? []) this.keywords.set(step.id, step.keyword);
    for (const s of children.map((c) => c.scenario)) {
      if (!s) continue;
      for (const step of s.steps) this.keywords.set(step.id, step.keyword);
      this.lines.set(s.id, s.location.line);
      for (const ex of s.examples) for (const row of ex.tableBody) this.lines.set(row.id, row.location.line);
    }
  }

  featureName(uri: string): string {
    return this.featureNames.get(uri) ?? uri;
  }

  /** A pickle step as written: "Given ..." (pickles keep only the text). */
  stepText(step: Pickle['steps'][number]): string {
    const keyword = step.astNodeIds[0] !== undefined ? this.keywords.get(step.astNodeIds[0]) : undefined;
    return `${keyword ?? ''}${step.text}`;
  }

  /** The line cucumber reports a pickle at: its scenario, or its Examples row for an outline. */
  line(pickle: Pickle): number {
    if (pickle.location) return pickle.location.line;
    const last = pickle.astNodeIds[pickle.astNodeIds.length - 1];
    return (last !== undefined ? this.lines.get(last) : undefined) ?? 0;
  }
}
