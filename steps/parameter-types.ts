/**
 * Parameter types of the step texts, so Gherkin reads as the RFC does:
 *   {conn}   "the client" (client A), "client B", "client C" ..., "client B1" ...: one connection each;
 *   {status} "+OK" or "-ERR";  {statuses} a list of them: "+OK, -ERR, +OK";
 *   {code}   an extended response code in brackets, "[IN-USE]" (RFC 2449 §8), given without them;
 *   {family} "IPv4" or "IPv6".
 */
import { defineParameterType } from '@cucumber/cucumber';

defineParameterType({
  name: 'conn',
  // A digit after the letter names the 26th connection and later (the model-based test's names).
  regexp: /the client|client [A-Z]\d*/,
  transformer: (s: string) => (s === 'the client' ? 'A' : s.slice('client '.length)),
});

defineParameterType({
  name: 'status',
  regexp: /\+OK|-ERR/,
  transformer: (s: string) => s,
});

defineParameterType({
  name: 'code',
  regexp: /\[[^\]\s]+\]/,
  transformer: (s: string) => s.slice(1, -1),
});

defineParameterType({
  name: 'family',
  regexp: /IPv4|IPv6/,
  transformer: (s: string) => s,
});

/** A list of message numbers as written in English: "1, 3, 4 and 9". */
defineParameterType({
  name: 'numbers',
  regexp: /\d+(?:, \d+)*(?: and \d+)?/,
  transformer: (s: string) => s.split(/, | and /).map(Number),
});

/** Status indicators in order, comma-separated: "+OK, -ERR, +OK". */
defineParameterType({
  name: 'statuses',
  regexp: /(?:\+OK|-ERR)(?:, (?:\+OK|-ERR))*/,
  transformer: (s: string) => s.split(', '),
});
