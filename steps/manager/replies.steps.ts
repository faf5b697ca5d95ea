/** Checking the manager's replies: status, codes, ids, MACs, sizes, lines (spec §3.3, §4, §7). */
import { Then } from '@cucumber/cucumber';
import { MAX_REPLY_OCTETS } from '../../src/manager/limits.js';
import { check, describeReply, managerState } from './support/state.js';

Then('the manager replies +OK', function (this: object) {
  const r = managerState(this).last.reply;
  check(r?.ok === true, 'the manager refused the request', '+OK', describeReply(r));
});

Then('the manager replies -ERR with code {string}', function (this: object, code: string) {
  const r = managerState(this).last.reply;
  check(r !== undefined && !r.ok && r.code === code, 'wrong manager reply', `-ERR [${code}]`, describeReply(r));
});

Then('the manager reply is authenticated', function (this: object) {
  // ManagerClient only accepts a MAC'd reply whose MAC verifies (spec §4.5).
  const r = managerState(this).lastReply;
  check(r.authenticated && /^[0-9a-f]{64}$/.test(r.mac), 'the reply carries no valid reply MAC', 'a reply MAC that verifies', describeReply(r));
});

Then('the manager reply is unauthenticated', function (this: object) {
  const r = managerState(this).lastReply;
  check(!r.authenticated && r.mac === '-', 'the refusal carries a MAC', 'reply-mac "-"', r.mac);
});

Then('the manager reply echoes the request id', function (this: object) {
  const e = managerState(this).last;
  check(e.reply?.id === e.request?.id, 'the reply does not carry the request id', e.request?.id ?? '(none)', e.reply?.id ?? '(no reply)');
});

Then('the manager reply text is {string}', function (this: object, text: string) {
  const state = managerState(this);
  const r = state.lastReply;
  const expected = state.expand(text);
  check(r.text === expected, 'wrong reply text', expected, r.text);
});

Then('the manager reply text matches {string}', function (this: object, pattern: string) {
  const r = managerState(this).lastReply;
  check(new RegExp(pattern).test(r.text), 'wrong reply text', `/${pattern}/`, r.text);
});

Then('the manager reply is a single line', function (this: object) {
  const r = managerState(this).lastReply;
  check(r.lines === undefined, 'the reply has lines', 'a single-line reply', `${r.lines?.length} lines`);
});

Then('the manager reply has a line {string}', function (this: object, line: string) {
  const state = managerState(this);
  const r = state.lastReply;
  const expected = state.expand(line);
  check((r.lines ?? []).includes(expected), 'line missing from the reply', expected, (r.lines ?? []).join(' | '));
});

Then('the manager reply has a line matching {string}', function (this: object, pattern: string) {
  const r = managerState(this).lastReply;
  const re = new RegExp(pattern);
  check((r.lines ?? []).some((l) => re.test(l)), 'no line of the reply matches', `/${pattern}/`, (r.lines ?? []).join(' | '));
});

Then('every line of the manager reply is key=value', function (this: object) {
  const r = managerState(this).lastReply;
  const bad = (r.lines ?? []).filter((l) => !/^[a-z0-9.-]+=/.test(l));
  check(r.lines !== undefined && r.lines.length > 0 && bad.length === 0, 'lines that are not key=value', 'only key=value lines', bad.join(' | ') || '(no lines)');
});

Then('the manager reply has the keys {string}', function (this: object, keys: string) {
  const r = managerState(this).lastReply;
  const have = new Set((r.lines ?? []).map((l) => l.slice(0, l.indexOf('='))));
  const missing = keys.split(',').map((k) => k.trim()).filter((k) => !have.has(k));
  check(missing.length === 0, 'keys missing from the reply', keys, `missing ${missing.join(', ')}`);
});

Then('the manager reply fits in one datagram of 1200 octets', function (this: object) {
  const r = managerState(this).lastReply;
  check(r.datagram.length <= MAX_REPLY_OCTETS, 'the reply is too large', `at most ${MAX_REPLY_OCTETS} octets`, `${r.datagram.length} octets`);
});

Then('the manager reply is no longer than the datagram sent', function (this: object) {
  const e = managerState(this).last;
  const size = e.reply?.datagram.length ?? 0;
  check(size <= e.sent.length, 'an unauthenticated reply is larger than the request (amplification)', `at most ${e.sent.length} octets`, `${size} octets`);
});

Then('the manager sends no reply to that datagram', function (this: object) {
  const e = managerState(this).last;
  check(e.reply === undefined, 'the manager answered a datagram it should drop', 'no reply', describeReply(e.reply));
});

Then('the manager reply is identical to the previous one, octet for octet', function (this: object) {
  const ex = managerState(this).exchanges;
  const [a, b] = [ex[ex.length - 2]?.reply, ex[ex.length - 1]?.reply];
  check(a !== undefined && b !== undefined && a.datagram.equals(b.datagram), 'the retry got another reply', describeReply(a), describeReply(b));
});

Then('the manager answered at most the rate limit of its refusals', function (this: object) {
  const state = managerState(this);
  const answered = state.notes.get('bad-answered') ?? 0;
  const elapsedS = (state.notes.get('bad-elapsed-ms') ?? 0) / 1000;
  // Spec §4.7: per sender, bursts of 20, then 20 a second.
  const allowed = 20 + Math.ceil(elapsedS * 20) + 1;
  check(answered <= allowed, 'too many unauthenticated replies', `at most ${allowed} in ${elapsedS.toFixed(2)} s`, String(answered));
});
