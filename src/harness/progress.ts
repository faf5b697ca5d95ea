/**
 * The progress line while a run goes on: scenarios done out of the total and failures so far.
 * On a terminal it rewrites one line; in a log (CI) it prints a line at each tenth of the run.
 */
import type { Writable } from 'node:stream';
import type { ScenarioResult } from './scenario-result.js';

export class ProgressLine {
  private total = 0;
  private done = 0;
  private failing = 0;
  private lastTenth = -1;
  private readonly tty: boolean;

  constructor(private readonly out: Writable & { isTTY?: boolean }, private readonly enabled: boolean) {
    this.tty = out.isTTY === true;
  }

  start(total: number): void {
    this.total = total;
    this.show();
  }

  scenario(result: ScenarioResult): void {
    this.done++;
    if (result.verdict === 'FAIL' || result.verdict === 'ERROR') this.failing++;
    this.show();
  }

  /** Clears the terminal line, so the report starts on a clean one. */
  finish(): void {
    if (this.enabled && this.tty) this.out.write('\r\x1b[2K');
  }

  private show(): void {
    if (!this.enabled) return;
    const text = `conformance: ${this.done}/${this.total} scenarios, ${this.failing} failing`;
    if (this.tty) {
      this.out.write(`\r\x1b[2K${text}`);
      return;
    }
    const tenth = this.total === 0 ? 10 : Math.floor((this.done * 10) / this.total);
    if (tenth !== this.lastTenth) {
      this.lastTenth = tenth;
      this.out.write(`${text}\n`);
    }
  }
}
