/**
 * USERS, ADD and DEL (spec §5.2-§5.4). Requests run one at a time (engine.ts), so checking that a
 * user exists and then adding or removing it cannot race with another manager request.
 */
import { isSafeUserName } from '../../store/types.js';
import type { ManagerCommandSpec } from '../command-spec.js';
import { MAX_PASSWORD_OCTETS, MAX_USER_CHARS } from '../limits.js';
import { indexAfter, page } from '../paging.js';
import { err, ok } from '../types.js';

/** Ascending order of code units: the octet order for the ASCII names isSafeUserName allows. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const usersCommand: ManagerCommandSpec = {
  verb: 'USERS',
  args: [
    { kind: 'word', name: 'offset', optional: true },
    { kind: 'word', name: 'name', optional: true },
  ],
  usage: 'USERS [offset | AFTER name]',
  summary: 'list user names (never passwords), a page at a time',
  multiline: true,
  async handler(ctx, [first, name]) {
    const all = (await ctx.users.listUsers()).slice().sort(byCodeUnits);
    let offset = 0;
    if (typeof first === 'string' && first.toUpperCase() === 'AFTER') {
      if (typeof name !== 'string') return err('SYNTAX', 'usage: USERS [offset | AFTER name]');
      offset = indexAfter(all, name);
    } else if (first !== undefined) {
      if (name !== undefined || !/^\d{1,9}$/.test(String(first))) return err('SYNTAX', 'usage: USERS [offset | AFTER name]');
      offset = Number(first);
    }
    return page(all, offset, ctx.tailBudget);
  },
};

export const addCommand: ManagerCommandSpec = {
  verb: 'ADD',
  args: [{ kind: 'rest', name: 'user:password' }],
  summary: 'add a user who can log in at once (the seed\'s user:pass form)',
  multiline: false,
  logArgs: false,
  async handler(ctx, [spec]) {
    const text = String(spec);
    const colon = text.indexOf(':');
    if (colon <= 0) return err('SYNTAX', 'usage: ADD user:password');
    const user = text.slice(0, colon);
    const password = text.slice(colon + 1);
    if (!isSafeUserName(user)) {
      return err('SYNTAX', `invalid user name: 1 to ${MAX_USER_CHARS} of A-Z a-z 0-9 . _ @ + = -, not starting with "."`);
    }
    const octets = Buffer.byteLength(password, 'utf8');
    if (octets === 0 || octets > MAX_PASSWORD_OCTETS) return err('SYNTAX', `the password must be 1 to ${MAX_PASSWORD_OCTETS} octets`);
    if ((await ctx.users.listUsers()).includes(user)) return err('EXISTS', `user ${user} already exists`);
    await ctx.users.addUser(user, password);
    return ok(`added ${user}`);
  },
};

export const delCommand: ManagerCommandSpec = {
  verb: 'DEL',
  args: [{ kind: 'word', name: 'user' }],
  summary: 'remove a user (open sessions go on; the maildrop is kept)',
  multiline: false,
  async handler(ctx, [user]) {
    const name = String(user);
    if (!(await ctx.users.listUsers()).includes(name)) return err('NO-USER', `no user ${name}`);
    await ctx.users.removeUser(name);
    return ok(`removed ${name}`);
  },
};
