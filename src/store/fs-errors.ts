/**
 * Maps file-system errors onto StoreError codes, which the server turns into RFC 2449/3206
 * response codes: 'temporary' -> [SYS/TEMP] (a retry may work: no space, too many open files,
 * I/O hiccups), 'permanent' -> [SYS/PERM] (an administrator must act: permissions, read-only
 * file system, a maildrop that is not a folder).
 */
import { StoreError, type StoreErrorCode } from './types.js';

/** The errno code of a Node.js system error, if it is one. */
export function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

const PERMANENT = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EISDIR']);

/** The StoreError code for an I/O failure that is not simply "does not exist". */
export function ioErrorCode(err: unknown): StoreErrorCode {
  const code = errnoOf(err);
  return code !== undefined && PERMANENT.has(code) ? 'permanent' : 'temporary';
}

/** Wraps an I/O failure; StoreErrors pass through unchanged. */
export function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = errnoOf(err) ?? 'unknown error';
  return new StoreError(ioErrorCode(err), `${what}: ${code}`, { cause: err });
}
