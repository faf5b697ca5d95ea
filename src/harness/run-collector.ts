/**
 * Builds ScenarioRuns from cucumber's message stream (never from its console output). Works the
 * same for serial and --parallel runs: workers' messages arrive through the same stream.
 */
import { TRANSCRIPT_MEDIA_TYPE, VERDICT_MEDIA_TYPE, type VerdictAttachment } from './contract.js';
import { attachmentText, timestampMs, type Envelope, type TestCase } from './cucumber-messages.js';
import { GherkinIndex } from './gherkin-index.js';
import type { ScenarioRun, StepOutcome } from './scenario-run.js';

const VERDICT_KINDS: ReadonlySet<string> = new Set(['SKIP', 'NOT-ADVERTISED', 'UNADVERTISED-WORKS', 'ERROR']);

export class RunCollector {
  /** Problems of the run itself (parse errors, failed BeforeAll/AfterAll hooks, a crashed run). */
  readonly harnessErrors: string[] = [];
  private readonly gherkin = new GherkinIndex();
  private readonly byPickle = new Map<string, ScenarioRun>();
  private readonly testCases = new Map<string, TestCase>();
  private readonly started = new Map<string, { testCase: TestCase; at: number }>();
  private readonly stepTexts = new Map<string, string>();
  private readonly hookNames = new Map<string, string>();
  private readonly runHooks = new Map<string, string>();

  constructor(private readonly onFinished?: (run: ScenarioRun) => void) {}

  /** Every pickle of the feature files, selected or not, in document order. */
  runs(): ScenarioRun[] {
    return [...this.byPickle.values()];
  }

  get plannedCount(): number {
    return this.testCases.size;
  }

  handle(e: Envelope): void {
    if (e.gherkinDocument) this.gherkin.add(e.gherkinDocument);
    else if (e.pickle) this.addPickle(e.pickle);
    else if (e.hook) this.hookNames.set(e.hook.id, describeHook(e.hook));
    else if (e.testCase) this.addTestCase(e.testCase);
    else if (e.testCaseStarted) this.caseStarted(e.testCaseStarted.id, e.testCaseStarted.testCaseId, timestampMs(e.testCaseStarted.timestamp));
    else if (e.testStepFinished) this.stepFinished(e.testStepFinished);
    else if (e.attachment) this.attachment(e.attachment);
    else if (e.testCaseFinished) this.caseFinished(e.testCaseFinished.testCaseStartedId, timestampMs(e.testCaseFinished.timestamp), e.testCaseFinished.willBeRetried);
    else if (e.parseError) this.harnessErrors.push(`${e.parseError.source.uri ?? '?'}:${e.parseError.source.location?.line ?? '?'}: ${e.parseError.message}`);
    else if (e.undefinedParameterType) this.harnessErrors.push(`undefined parameter type {${e.undefinedParameterType.name}} in "${e.undefinedParameterType.expression}"`);
    else if (e.testRunHookStarted) this.runHooks.set(e.testRunHookStarted.id, e.testRunHookStarted.hookId);
    else if (e.testRunHookFinished) this.runHookFinished(e.testRunHookFinished.testRunHookStartedId, e.testRunHookFinished.result);
    else if (e.testRunFinished?.exception) this.harnessErrors.push(`the run failed: ${e.testRunFinished.exception.message ?? e.testRunFinished.exception.type}`);
  }

  private addPickle(p: NonNullable<Envelope['pickle']>): void {
    for (const s of p.steps) this.stepTexts.set(s.id, this.gherkin.stepText(s));
    this.byPickle.set(p.id, {
      pickleId: p.id,
      uri: p.uri,
      name: p.name,
      line: this.gherkin.line(p),
      featureName: this.gherkin.featureName(p.uri),
      tags: p.tags.map((t) => t.name),
      planned: false,
      finished: false,
      steps: [],
      verdicts: [],
      badVerdicts: [],
      transcripts: [],
      durationMs: 0,
    });
  }

  private addTestCase(tc: TestCase): void {
    this.testCases.set(tc.id, tc);
    const run = this.byPickle.get(tc.pickleId);
    if (run) run.planned = true;
  }

  private caseStarted(id: string, testCaseId: string, at: number): void {
    const testCase = this.testCases.get(testCaseId);
    if (!testCase) return;
    this.started.set(id, { testCase, at });
    const run = this.byPickle.get(testCase.pickleId);
    // A new attempt starts from scratch (only with cucumber's retry, which the runner does not use).
    if (run) Object.assign(run, { steps: [], verdicts: [], badVerdicts: [], transcripts: [], finished: false });
  }

  private runOf(testCaseStartedId: string | undefined): ScenarioRun | undefined {
    const s = testCaseStartedId !== undefined ? this.started.get(testCaseStartedId) : undefined;
    return s ? this.byPickle.get(s.testCase.pickleId) : undefined;
  }

  private stepFinished(f: NonNullable<Envelope['testStepFinished']>): void {
    const run = this.runOf(f.testCaseStartedId);
    const testCase = this.started.get(f.testCaseStartedId)?.testCase;
    const step = testCase?.testSteps.find((s) => s.id === f.testStepId);
    if (!run || !step) return;
    const r = f.testStepResult;
    const outcome: StepOutcome = {
      kind: step.hookId !== undefined ? 'hook' : 'step',
      text: step.hookId !== undefined ? (this.hookNames.get(step.hookId) ?? 'a hook') : (this.stepTexts.get(step.pickleStepId ?? '') ?? '?'),
      status: String(r.status),
      message: stripAnsi(r.exception?.message ?? r.message),
      exceptionType: r.exception?.type,
    };
    run.steps.push(outcome);
  }

  private attachment(a: NonNullable<Envelope['attachment']>): void {
    const run = this.runOf(a.testCaseStartedId);
    if (!run) return;
    if (a.mediaType === TRANSCRIPT_MEDIA_TYPE) run.transcripts.push(attachmentText(a));
    else if (a.mediaType === VERDICT_MEDIA_TYPE) {
      const v = parseVerdict(attachmentText(a));
      if (typeof v === 'string') run.badVerdicts.push(v);
      else run.verdicts.push(v);
    }
  }

  private caseFinished(startedId: string, at: number, willBeRetried: boolean): void {
    const s = this.started.get(startedId);
    const run = this.runOf(startedId);
    if (!s || !run || willBeRetried) return;
    run.finished = true;
    run.durationMs = Math.max(0, at - s.at);
    this.onFinished?.(run);
  }

  private runHookFinished(startedId: string, result: NonNullable<Envelope['testRunHookFinished']>['result']): void {
    if (String(result.status) !== 'FAILED') return;
    const hookId = this.runHooks.get(startedId);
    const name = (hookId !== undefined ? this.hookNames.get(hookId) : undefined) ?? 'a BeforeAll/AfterAll hook';
    this.harnessErrors.push(`${name} failed: ${result.exception?.message ?? result.message ?? 'no message'}`);
  }
}

/** Assertion diffs may carry terminal colours; reports are plain text. */
function stripAnsi(s: string | undefined): string | undefined {
  return s?.replace(/\x1b\[[0-9;]*m/g, '');
}

function describeHook(h: NonNullable<Envelope['hook']>): string {
  const where = h.sourceReference.uri !== undefined ? ` (${h.sourceReference.uri}:${h.sourceReference.location?.line ?? '?'})` : '';
  return `hook ${h.name ?? ''}`.trim() + where;
}

/** Reads a VerdictAttachment, or returns why it cannot be read. */
function parseVerdict(text: string): VerdictAttachment | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `a verdict attachment is not JSON: ${text.slice(0, 80)}`;
  }
  const v = value as Partial<VerdictAttachment> | null;
  if (!v || typeof v !== 'object' || typeof v.verdict !== 'string' || !VERDICT_KINDS.has(v.verdict) || typeof v.reason !== 'string') {
    return `a verdict attachment does not follow the contract: ${text.slice(0, 80)}`;
  }
  return { verdict: v.verdict, reason: v.reason };
}
