/**
 * Step text names accounts by placeholder, never by value, so the same feature runs against any
 * server: ${user} and ${pass} are the main account (contract.ts WorldParameters.account), ${user2}
 * and ${pass2} the second one, ${wrong-pass} a password that is not the main account's, and
 * ${unknown-user} a name no server should have.
 */
import type { WorldParameters } from '../../src/harness/contract.js';

export function wrongPassword(pass: string): string {
  return `${pass}-not`;
}

export const UNKNOWN_USER = 'popcheck-nobody-x9q7';

export function expandPlaceholders(text: string, p: Pick<WorldParameters, 'account' | 'account2'>): string {
  return text.replace(/\$\{([a-z0-9-]+)\}/g, (whole, name: string) => {
    switch (name) {
      case 'user':
        return p.account.user;
      case 'pass':
        return p.account.pass;
      case 'wrong-pass':
        return wrongPassword(p.account.pass);
      case 'unknown-user':
        return UNKNOWN_USER;
      case 'user2':
      case 'pass2':
        if (!p.account2) throw new Error(`step error: ${whole} needs a second account (--user2/--pass2)`);
        return name === 'user2' ? p.account2.user : p.account2.pass;
      default:
        throw new Error(`step error: unknown placeholder ${whole}`);
    }
  });
}
