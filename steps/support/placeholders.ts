/**
 * Step text names accounts by placeholder, never by value, so the same feature runs against any
 * server: ${user} and ${pass} are the main account (contract.ts WorldParameters.account), ${user2}
 * and ${pass2} the second one, ${wrong-pass} a password that is not the main account's, and
 * ${unknown-user} a name no server should have. ${secret-user} and ${secret} are the account with a
 * shared secret (APOP, CRAM-MD5: the APOP account, else the main account and its password), and
 * ${plain-ir} the base64 of the main account's PLAIN message "NUL user NUL pass" (RFC 4616 §2), the
 * initial response of "AUTH PLAIN" (RFC 5034 §4).
 */
import type { WorldParameters } from '../../src/harness/contract.js';

export function wrongPassword(pass: string): string {
  return `${pass}-not`;
}

export const UNKNOWN_USER = 'popcheck-nobody-x9q7';

/** The account that logs in with a shared secret (APOP, CRAM-MD5), `pass` being the secret. */
export function secretAccount(p: Pick<WorldParameters, 'account' | 'apopAccount'>): { user: string; pass: string } {
  return p.apopAccount ?? p.account;
}

export function plainInitialResponse(p: Pick<WorldParameters, 'account'>): string {
  return Buffer.from(`\0${p.account.user}\0${p.account.pass}`, 'utf8').toString('base64');
}

export function expandPlaceholders(text: string, p: Pick<WorldParameters, 'account' | 'account2' | 'apopAccount'>): string {
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
      case 'secret-user':
        return secretAccount(p).user;
      case 'secret':
        return secretAccount(p).pass;
      case 'plain-ir':
        return plainInitialResponse(p);
      case 'user2':
      case 'pass2':
        if (!p.account2) throw new Error(`step error: ${whole} needs a second account (--user2/--pass2)`);
        return name === 'user2' ? p.account2.user : p.account2.pass;
      default:
        throw new Error(`step error: unknown placeholder ${whole}`);
    }
  });
}
