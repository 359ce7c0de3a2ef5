// The sandbox's notion of now, which tests may move: idempotency windows, secure form expiry,
// trial and subscription dates all read it.

export class SandboxClock {
  private offsetMs = 0;

  constructor(private readonly source: () => number = Date.now) {}

  now(): number {
    return this.source() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
