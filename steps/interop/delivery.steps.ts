/**
 * The check shared by the delivering clients (mpop, fetchmail, getmail6): every fixture message
 * arrived exactly once, and byte for byte equal to its wire form with line ends as the client
 * writes them, once the header fields the scenario names (the client's own trace fields) are
 * removed. Those names must not occur in the fixtures, so removing them cannot hide a change.
 */
import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import { interop } from './support/context.js';
import { messagesById } from './support/mailstore.js';
import { clientForm, firstDifference, fixtureMessages, hasSeparator, headerNames, isLineEnds, LINE_ENDS, stripHeaders } from './support/messages.js';

function names(list: string): string[] {
  return list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
}

/**
 * `separator`: the client ends a message that has no header/body separator with an empty line
 * (fetchmail and getmail6 both do: they complete the header section before writing the body).
 */
function checkDelivery(world: object, client: string, ends: string, added: string, separator: boolean): void {
  const w = interop(world);
  if (!isLineEnds(ends)) throw new Error(`line ends must be one of ${LINE_ENDS.join(', ')}, not ${ends}`);
  const dir = w.deliveries.get(client);
  if (!dir) throw new Error(`${client} delivered nowhere in this scenario`);
  const addedNames = names(added);
  const delivered = messagesById(dir);
  assert.deepEqual([...delivered.keys()].sort(), fixtureMessages().map((m) => m.messageId).sort(), `messages ${client} delivered`);
  for (const m of fixtureMessages()) {
    const clash = headerNames(m.stored).filter((h) => addedNames.some((a) => a.toLowerCase() === h.toLowerCase()));
    assert.deepEqual(clash, [], `${m.file} itself has ${clash.join(', ')}: stripping it would hide changes`);
    const got = delivered.get(m.messageId)!;
    const gotHeaders = headerNames(got.bytes);
    for (const a of addedNames) {
      assert.ok(gotHeaders.some((h) => h.toLowerCase() === a.toLowerCase()), `${client} did not add ${a}: to ${m.file} (${got.file})`);
    }
    const stripped = stripHeaders(got.bytes, addedNames);
    let expected = clientForm(m.stored, ends);
    if (separator && !hasSeparator(m.stored)) expected = Buffer.concat([expected, Buffer.from(ends === 'CRLF' ? '\r\n' : '\n')]);
    assert.ok(stripped.equals(expected), `${client}, ${m.file} (${got.file}): ${firstDifference(stripped, expected)}`);
  }
}

Then(
  'every fixture message arrived through interop {word} with {word} line ends, apart from the added header fields {string}',
  function (this: object, client: string, ends: string, added: string) {
    checkDelivery(this, client, ends, added, false);
  },
);

Then(
  'every fixture message arrived through interop {word} with {word} line ends and an empty line ending a header-only message, apart from the added header fields {string}',
  function (this: object, client: string, ends: string, added: string) {
    checkDelivery(this, client, ends, added, true);
  },
);
