/**
 * The regression scenarios the fuzzers write (features/regressions/) must run in the conformance
 * suite: every step they use is defined, and a scenario records the behaviour it saw, so it passes
 * against a server that behaves so and fails against one that does not. Each test writes an
 * emitted feature into a temporary folder and runs it with the real steps (steps/**) through the
 * runner (runSuite), against the bundled server or a deliberately broken one.
 */
import { AstBuilder, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBundledTarget, type RunningTarget } from '../harness/bundled-target.js';
import type { WorldParameters } from '../harness/contract.js';
import { projectRoot } from '../harness/project-root.js';
import { runSuite } from '../harness/run-suite.js';
import type { ScenarioResult } from '../harness/scenario-result.js';
import { decodeOctets } from '../../steps/support/octets.js';
import { hostFeature } from './host/gherkin.js';
import type { RunDescription } from './host/report.js';
import type { CaseFailure } from './host/runner.js';
import { Drop, Reconnect, Wire, type ModelCommand } from './model/commands.js';
import { modelScenario } from './model/gherkin.js';
import type { Intent, NumArg, Step } from './model/intent.js';
import type { MaildropSpec } from './model/maildrop.js';
import { replayTrace, type ModelFailure } from './model/run-model.js';
import type { TraceEvent } from './model/session.js';
import { startBrokenPop3, type BrokenServer } from './testing/broken-pop3.js';

let dir: string;
let bundled: RunningTarget;
let stderr = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-regressions-'));
  bundled = await startBundledTarget({ manager: false });
});
afterAll(async () => {
  await bundled?.stop();
  await rm(dir, { recursive: true, force: true });
});

/**
 * The conformance suite's step files (all that popcheck conformance loads from steps/), without the unit
 * tests beside them, which call vitest's describe() when imported (a plain cucumber run ignores it).
 */
const SUITE_STEPS = ['steps/world.ts', 'steps/parameter-types.ts', 'steps/hooks.ts', 'steps/*.steps.ts'];

/** Runs one emitted feature with the suite's own steps; returns its scenarios' results. */
async function runFeature(name: string, text: string, world: WorldParameters): Promise<ScenarioResult[]> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      stderr += chunk.toString();
      done();
    },
  });
  const result = await runSuite({
    suite: { cwd: projectRoot(), featurePaths: [file], importPaths: SUITE_STEPS },
    world,
    tags: '',
    strict: false,
    parallel: 0,
    stderr: sink,
  });
  expect(result.harnessErrors).toEqual([]);
  return [...result.scenarios];
}

const bundledWorld = (): WorldParameters => ({ ...bundled.world, timeoutMs: 5000 });

/** "name: VERDICT (reason)": what a failed expectation shows. */
const verdicts = (results: readonly ScenarioResult[]): string[] => results.map((r) => `${r.name}: ${r.verdict}${r.reason ? ` (${r.reason})` : ''}${r.message ? `\n${r.message}` : ''}`);

// --- model-based test ---------------------------------------------------------------------------

const num = (n: number): NumArg => ({ raw: String(n), value: n });
const step = (intent: Intent, verb: string = intent.t === 'BAD' ? '' : intent.t): Step => ({ intent, verb });
const one = (intent: Intent, verb?: string): Wire => new Wire([step(intent, verb)], false);

/** Every shape of message that breaks POP3 servers, and the octets that need escaping in Gherkin. */
const MESSAGES: Buffer[] = [
  Buffer.from('Subject: dots\r\n\r\n.\r\n..\r\n.x\r\n. \r\n', 'latin1'),
  Buffer.from('Subject: bare\nLF only\nand a bare\rCR\r', 'latin1'),
  Buffer.alloc(0),
  Buffer.from('NUL \x00 bar | backslash \\ quote " dollar ${user} \xe9\xff', 'latin1'),
  Buffer.from(' leading and trailing spaces ', 'latin1'),
];
const APOP_MESSAGES: Buffer[] = [Buffer.from('Subject: for dave\r\n\r\nhello\r\n', 'latin1')];

/** A session the reference server answers exactly as the model expects: every step form the model emitter writes. */
function modelSession(): ModelCommand[] {
  return [
    new Wire([step({ t: 'USER', name: 'alice' }), step({ t: 'PASS', pass: 'wonderland' })], false, 'AUTHORIZATION'),
    one({ t: 'STAT' }),
    one({ t: 'LIST', arg: undefined }),
    one({ t: 'RETR', arg: num(1) }),
    one({ t: 'TOP', arg: num(2), lines: num(0) }, 'top'),
    one({ t: 'UIDL', arg: undefined }),
    one({ t: 'DELE', arg: num(3) }),
    one({ t: 'LIST', arg: undefined }),
    // Pipelined: printable lines as a table, the others as escaped octets read line by line.
    new Wire([step({ t: 'NOOP' }), step({ t: 'LIST', arg: num(1) })], true),
    new Wire([step({ t: 'NOOP' }), step({ t: 'BAD', line: 'NO\x00OP', why: 'control octet 0x0' }), step({ t: 'BAD', line: ' NOOP', why: 'leading space' }), step({ t: 'STAT' })], true),
    one({ t: 'BAD', line: '${x}', why: 'unknown verb' }),
    one({ t: 'BAD', line: `NOOP ${'x'.repeat(300)}`, why: 'line too long' }),
    one({ t: 'QUIT' }),
    new Reconnect(),
    one({ t: 'APOP', name: 'dave', digest: { right: true } }),
    one({ t: 'STAT' }),
    one({ t: 'RETR', arg: num(1) }),
    new Drop(),
    new Reconnect(),
    one({ t: 'USER', name: 'alice' }),
    one({ t: 'PASS', pass: 'wonderland-not' }),
    one({ t: 'APOP', name: 'alice', digest: { hex: '0123456789abcdef0123456789abcdef' } }),
    one({ t: 'QUIT' }),
  ];
}

async function modelFailure(spec: MaildropSpec, commands: ModelCommand[]): Promise<ModelFailure> {
  const { trace, error } = await replayTrace(spec, commands, { store: 'memory' });
  // The reference server answers this session as the model does: the trace is the whole session.
  expect(error).toBeUndefined();
  return { seed: 1, path: '0', replayPath: undefined, spec, commands, error: 'a synthetic failure for this test', trace, replayError: undefined };
}

describe('model-run scenarios in the conformance suite', () => {
  let generated: ModelFailure;
  beforeAll(async () => {
    generated = await modelFailure({ kind: 'generated', messages: MESSAGES, apopMessages: APOP_MESSAGES }, modelSession());
  }, 30_000);

  it('writes every step form: the maildrops, named clients, drops, both batch forms, APOP, octets', () => {
    const text = modelScenario(generated, 'memory');
    for (const form of [
      'Given the maildrop of ${user} holds these messages:',
      'And the maildrop of the APOP account holds these messages:',
      '| \\x20leading and trailing spaces\\x20 |',
      '|  |',
      'When the client sends these commands in one write:',
      'and reads the reply to each line',
      'Then the replies to those lines are, in order, +OK, -ERR, -ERR, +OK',
      'When client B logs in',
      'When client B logs in with APOP, the password being the shared secret',
      'When client C connects',
      "When client C sends APOP with the APOP account's name and the digest of its shared secret",
      'When client C closes the connection without QUIT',
      'When the client sends the octets "\\x24{x}\\r\\n"',
      'When the client sends a NOOP command of 307 octets',
      'When client E sends "PASS ${wrong-pass}"',
      'And the server closes the connection',
    ]) {
      expect(text).toContain(form);
    }
    expect(text).toMatch(/^@regression .*@bundled.*@destructive$/m);
  });

  it('the maildrop tables give back the exact octets once Gherkin has read them (trimmed cells, \\n, $)', () => {
    const doc = new Parser(new AstBuilder(IdGenerator.incrementing()), new GherkinClassicTokenMatcher()).parse(modelScenario(generated, 'memory'));
    const steps = doc.feature!.children[0]!.scenario!.steps;
    const table = (text: string): Buffer[] => steps.find((s) => s.text === text)!.dataTable!.rows.slice(1).map((r) => decodeOctets(r.cells[0]!.value));
    expect(table('the maildrop of ${user} holds these messages:')).toEqual(MESSAGES);
    expect(table('the maildrop of the APOP account holds these messages:')).toEqual(APOP_MESSAGES);
  });

  it('the scenario of a session the server answers correctly passes on the bundled server', async () => {
    const results = await runFeature('model-generated.feature', modelScenario(generated, 'memory'), bundledWorld());
    expect(verdicts(results)).toEqual(['Model run with seed 1: PASS']);
  }, 60_000);

  it('a @fixtures scenario (the fixture messages) passes on the run target', async () => {
    const { fixtureMessages } = await import('./model/maildrop.js');
    const f = await modelFailure({ kind: 'fixtures', messages: fixtureMessages(), apopMessages: [] }, [
      new Wire([step({ t: 'USER', name: 'alice' }), step({ t: 'PASS', pass: 'wonderland' })], false, 'AUTHORIZATION'),
      one({ t: 'STAT' }),
      one({ t: 'RETR', arg: num(2) }),
      one({ t: 'DELE', arg: num(1) }),
      one({ t: 'LIST', arg: undefined }),
      one({ t: 'RSET' }),
      one({ t: 'QUIT' }),
      new Reconnect(),
    ]);
    const text = modelScenario(f, 'memory');
    expect(text).toContain('And the body equals fixture message 2');
    expect(text).toContain('And the scan listing does not list message 1');
    expect(text).not.toContain('@bundled');
    const results = await runFeature('model-fixtures.feature', text, bundledWorld());
    expect(verdicts(results)).toEqual(['Model run with seed 1: PASS']);
  }, 60_000);

  it('a scenario whose recorded expectation the server does not meet fails', async () => {
    // The model's STAT count one too high: the scenario now states a behaviour the server lacks.
    const trace: TraceEvent[] = generated.trace.map((e) => (e.kind === 'command' && e.step.intent.t === 'STAT' && e.liveCount !== undefined ? { ...e, liveCount: e.liveCount + 1 } : e));
    const results = await runFeature('model-wrong.feature', modelScenario({ ...generated, trace }, 'memory'), bundledWorld());
    expect(results.map((r) => r.verdict)).toEqual(['FAIL']);
    expect(results[0]!.reason).toMatch(/failed at: And the drop listing counts \d+ messages?/);
  }, 60_000);

  it('without the bundled server, a scenario with a generated maildrop is skipped with the reason', async () => {
    const broken = await startBrokenPop3('lowercase-echo');
    try {
      const results = await runFeature('model-host.feature', modelScenario(generated, 'memory'), hostWorld(broken.port));
      expect(results.map((r) => [r.verdict, r.reason])).toEqual([['SKIP', expect.stringMatching(/bundled/)]]);
    } finally {
      await broken.close();
    }
  }, 60_000);
});

// --- host fuzzer --------------------------------------------------------------------------------

const RUN: RunDescription = { host: '127.0.0.1', port: 110, bundled: true, user: 'alice', seconds: 2, destructive: true, startedAt: new Date(0) };
const octets = (s: string, split?: 'every-octet'): { kind: 'write'; octets: Buffer; split?: 'every-octet' } => ({ kind: 'write', octets: Buffer.from(s, 'latin1'), ...(split ? { split } : {}) });

/** Cases as the host fuzzer records them: every kind of action, over three connections. */
const HOST_FAILURES: CaseFailure[] = [
  {
    index: 0,
    name: 'control-bytes',
    seed: 11,
    problems: ['a synthetic problem for this test'],
    replay: [
      {
        connection: 1,
        actions: [
          { kind: 'login' },
          octets('NOOP\r\nST\x01AT\r\nxyz\x00"|\\$\r\n'),
          // A command cut across two writes, then one written octet by octet.
          octets('LI'),
          octets('ST\r\n'),
          octets('CAPA\r\n', 'every-octet'),
          octets('QUIT\r\n'),
          { kind: 'read-until-close' },
        ],
      },
      { connection: 2, actions: [octets('NO'), { kind: 'destroy' }] },
      { connection: 3, actions: [octets('NOOP\r\n'), { kind: 'half-close' }, { kind: 'read-until-close' }] },
    ],
  },
  {
    index: 1,
    name: 'dele-drop',
    seed: 12,
    problems: ['a synthetic problem for this test'],
    replay: [
      { connection: 1, actions: [{ kind: 'login' }, octets('STAT\r\n'), octets('DELE 1\r\n'), { kind: 'destroy' }] },
      { connection: 2, actions: [{ kind: 'login' }, octets('STAT\r\n'), octets('QUIT\r\n'), { kind: 'read-until-close' }] },
    ],
  },
];

function hostWorld(port: number): WorldParameters {
  return {
    host: '127.0.0.1',
    port,
    tls: 'none',
    tlsInsecure: false,
    account: { user: 'alice', pass: 'wonderland' },
    fixtures: { kind: 'none' },
    destructive: false,
    timeoutMs: 3000,
    bundled: false,
  };
}

describe('host-fuzz scenarios in the conformance suite', () => {
  let broken: BrokenServer | undefined;
  afterAll(async () => {
    await broken?.close();
  });

  it('writes every step form: logins, octets (split too), drops, half-closes, closes, named clients', () => {
    const text = hostFeature(RUN, HOST_FAILURES);
    for (const form of [
      'When the client logs in',
      'When the client sends the octets "NOOP\\r\\nST\\x01AT\\r\\nxyz\\x00\\x22\\x7c\\x5c\\x24\\r\\n" and reads the reply to each line',
      'When the client sends the octets "CAPA\\r\\n" one octet per write and reads the reply to each line',
      'When client B connects',
      'When client B closes the connection without QUIT',
      'When client C half-closes the connection',
      'Then the server closes the connection',
      'When client D logs in',
      '  @destructive\n  Scenario: dele-drop',
    ]) {
      expect(text).toContain(form);
    }
  });

  it('the scenarios of cases the server handles correctly pass on the bundled server', async () => {
    const results = await runFeature('host-bundled.feature', hostFeature(RUN, HOST_FAILURES), bundledWorld());
    expect(verdicts(results)).toEqual([expect.stringMatching(/^control-bytes .*: PASS$/), expect.stringMatching(/^dele-drop .*: PASS$/)]);
  }, 60_000);

  it('against a server that answers "+ok", the scenario fails (and the @destructive one is skipped)', async () => {
    broken = await startBrokenPop3('lowercase-echo');
    const results = await runFeature('host-broken.feature', hostFeature(RUN, HOST_FAILURES), hostWorld(broken.port));
    expect(results.map((r) => r.verdict)).toEqual(['FAIL', 'SKIP']);
    // The echo breaks the response grammar twice: "+ok", and the NUL it copies into the line.
    expect(results[0]!.reason).toMatch(/failed at: .*(ends with CRLF|"\+OK" or "-ERR" in upper case)/);
    expect(results[0]!.message).toContain('+ok');
  }, 60_000);
});
