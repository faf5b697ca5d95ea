/**
 * Types of cucumber's message stream, taken from the public runCucumber signature so the harness
 * needs no direct dependency on @cucumber/messages (a transitive package of @cucumber/cucumber).
 */
import type { runCucumber } from '@cucumber/cucumber/api';

export type Envelope = Parameters<NonNullable<Parameters<typeof runCucumber>[2]>>[0];
export type GherkinDocument = NonNullable<Envelope['gherkinDocument']>;
export type Pickle = NonNullable<Envelope['pickle']>;
export type TestCase = NonNullable<Envelope['testCase']>;
export type TestStepFinished = NonNullable<Envelope['testStepFinished']>;
export type Attachment = NonNullable<Envelope['attachment']>;
export type Timestamp = NonNullable<Envelope['testCaseStarted']>['timestamp'];

export function timestampMs(t: Timestamp): number {
  return t.seconds * 1000 + Math.floor(t.nanos / 1e6);
}

/** An attachment's body as text, whatever encoding the step used. */
export function attachmentText(a: Attachment): string {
  return String(a.contentEncoding) === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body;
}
