/** A wall clock tests move by hand. */
export class FakeClock {
  constructor(public nowMs: number = Date.UTC(2025, 10, 26, 12, 0, 0)) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}
