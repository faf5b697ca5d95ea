/**
 * The little a store needs from a logger. pino's Logger satisfies it, so the server can pass its
 * own; the default writes one line to stderr, because a store problem (a corrupt state file, a
 * stale lock) must never pass silently.
 */
export interface StoreLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export const stderrLogger: StoreLogger = {
  warn(details, message) {
    process.stderr.write(`popcheck store: ${message} ${JSON.stringify(details)}\n`);
  },
};
