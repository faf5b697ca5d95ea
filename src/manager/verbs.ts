/**
 * Names under which POP3 verbs are counted (STATS "command.<verb>", the Prometheus "verb" label):
 * lower case, "(unknown)" -> "unknown", "(too long)" -> "too-long". At most MAX_TRACKED_VERBS
 * distinct names; later ones are all "other", so the counters stay bounded whatever the server emits.
 */
import { MAX_TRACKED_VERBS } from './limits.js';

export const OTHER_VERB = 'other';

export function verbKey(verb: string): string {
  const key = verb
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32);
  return key === '' ? OTHER_VERB : key;
}

export class VerbKeys {
  private readonly known = new Set<string>();

  constructor(private readonly max: number = MAX_TRACKED_VERBS) {}

  /** Registers keys restored from a snapshot. */
  seed(keys: Iterable<string>): void {
    for (const k of keys) if (this.known.size < this.max) this.known.add(k);
  }

  key(verb: string): string {
    const k = verbKey(verb);
    if (this.known.has(k)) return k;
    if (this.known.size >= this.max) return OTHER_VERB;
    this.known.add(k);
    return k;
  }
}
