/** GET and SET (spec §5.9, §5.10): the runtime settings hook, with names matched case-insensitively. */
import type { ManagerCommandSpec } from '../command-spec.js';
import { err, ok } from '../types.js';

export const getCommand: ManagerCommandSpec = {
  verb: 'GET',
  args: [{ kind: 'word', name: 'setting', optional: true }],
  summary: 'show one setting, or all of them',
  multiline: true,
  handler(ctx, [name]) {
    if (name === undefined) return ok('settings follow', ctx.settings.names().map((n) => `${n}=${ctx.settings.get(n) ?? ''}`));
    const key = String(name).toLowerCase();
    const value = ctx.settings.names().includes(key) ? ctx.settings.get(key) : undefined;
    return value === undefined ? err('NO-SETTING', `no setting ${name}`) : ok(`${key}=${value}`);
  },
};

export const setCommand: ManagerCommandSpec = {
  verb: 'SET',
  args: [
    { kind: 'word', name: 'setting' },
    { kind: 'rest', name: 'value', optional: true },
  ],
  summary: 'change a setting of the running server (not persisted)',
  multiline: false,
  async handler(ctx, [name, value]) {
    const key = String(name).toLowerCase();
    if (!ctx.settings.names().includes(key)) return err('NO-SETTING', `no setting ${name}`);
    const problem = await ctx.settings.set(key, String(value ?? ''));
    if (problem !== undefined) return err('BAD-VALUE', problem);
    return ok(`${key}=${ctx.settings.get(key) ?? ''}`);
  },
};
