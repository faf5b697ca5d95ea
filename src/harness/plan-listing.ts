/** `--list`: the plan as text, each scenario with its tags and, if the runner would skip it, why. */
import type { PlannedScenario } from './plan.js';

export function renderPlan(scenarios: readonly PlannedScenario[], target: string): string {
  const skipped = scenarios.filter((s) => s.skipReason !== undefined).length;
  const out = [`Plan against ${target}: ${scenarios.length} scenarios, ${scenarios.length - skipped} to run, ${skipped} skipped`, ''];
  for (const s of scenarios) {
    out.push(`${s.skipReason !== undefined ? 'SKIP' : 'RUN '}  ${s.uri}:${s.line}  ${s.name}`);
    out.push(`      tags: ${s.tags.length > 0 ? s.tags.join(' ') : '(none)'}`);
    if (s.skipReason !== undefined) out.push(`      skip: ${s.skipReason}`);
  }
  return `${out.join('\n')}\n`;
}
