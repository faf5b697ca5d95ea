import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../protocol/command.js';
import type { Maildrop } from '../store/types.js';
import { Args, validate, type CommandSpec } from './command-spec.js';
import { MaildropView } from './maildrop-view.js';
import { Pop3Error } from './pop3-error.js';
import { ok } from './reply.js';

const spec = (args: CommandSpec['args'], states: CommandSpec['states'] = ['TRANSACTION']): CommandSpec => ({
  verb: 'TEST',
  states,
  args,
  handler: () => ok(),
});

const maildrop: Maildrop = {
  user: 'u',
  messages: [
    { key: 'a', size: 10, uid: 'u1' },
    { key: 'b', size: 20, uid: 'u2' },
  ],
  openMessage: () => Promise.reject(new Error('unused')),
  expunge: () => Promise.resolve(),
  release: () => Promise.resolve(),
};

function run(s: CommandSpec, line: string, state: 'AUTHORIZATION' | 'TRANSACTION' = 'TRANSACTION', view = new MaildropView(maildrop)) {
  const parsed = parseCommandLine(Buffer.from(line, 'latin1'));
  if (!parsed.ok) throw new Error('test line must parse');
  return validate(s, parsed.command, state, view);
}

const code = (r: Args | Pop3Error) => (r instanceof Pop3Error ? r.code : 'valid');

describe('central command validation', () => {
  it('refuses a command in a state it is not declared for (RFC 1939 §3)', () => {
    expect(code(run(spec([], ['TRANSACTION']), 'TEST', 'AUTHORIZATION'))).toBe('wrong-state');
  });
  it('checks arity and spacing', () => {
    const s = spec([{ kind: 'msg', name: 'msg' }]);
    expect(code(run(s, 'TEST'))).toBe('syntax');
    expect(code(run(s, 'TEST 1 2'))).toBe('syntax');
    expect(code(run(s, 'TEST  1'))).toBe('syntax');
    expect(code(run(s, 'TEST 1 '))).toBe('syntax');
    expect(code(run(s, 'TEST 1'))).toBe('valid');
  });
  it('parses message numbers once: syntax, range, deleted', () => {
    const s = spec([{ kind: 'msg', name: 'msg' }]);
    expect(code(run(s, 'TEST 0'))).toBe('syntax');
    expect(code(run(s, 'TEST -1'))).toBe('syntax');
    expect(code(run(s, 'TEST abc'))).toBe('syntax');
    expect(code(run(s, 'TEST 3'))).toBe('no-such-message');
    const view = new MaildropView(maildrop);
    view.markDeleted(2);
    expect(code(run(s, 'TEST 2', 'TRANSACTION', view))).toBe('message-deleted');
    const args = run(s, 'TEST 1', 'TRANSACTION', view) as Args;
    expect(args.msg(0).meta.uid).toBe('u1');
  });
  it('handles optional arguments and counts', () => {
    const s = spec([
      { kind: 'msg', name: 'msg' },
      { kind: 'count', name: 'n', optional: true },
    ]);
    expect((run(s, 'TEST 1 0') as Args).count(1)).toBe(0);
    expect(code(run(s, 'TEST 1 -5'))).toBe('syntax');
    expect(code(run(s, 'TEST 1'))).toBe('valid');
  });
  it('gives a rest argument the whole remainder, spaces included (PASS, RFC 1939 §7)', () => {
    const s = spec([{ kind: 'rest', name: 'string' }], ['AUTHORIZATION']);
    expect((run(s, 'TEST my  pass word ', 'AUTHORIZATION') as Args).text(0)).toBe('my  pass word ');
    expect(code(run(s, 'TEST', 'AUTHORIZATION'))).toBe('syntax');
  });
});
