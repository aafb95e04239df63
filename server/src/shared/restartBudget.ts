/**
 * How often a process or thread that stopped unasked (a crash, out of memory, killed) is started
 * again: at most `max` restarts within `windowMs`. Older restarts age out, so a long session that
 * meets a rare crash now and then keeps going, while one that crashes on some input again and
 * again is not restarted in a loop. The client keeps one for the language server
 * (client/src/serverRestarts.ts), the server one per kind of worker (runtime/workerHost.ts).
 */
export class RestartBudget {
  private readonly times: number[] = [];
  /** Restarts so far, all told. */
  total = 0;

  constructor(readonly max = 5, readonly windowMs = 3 * 60_000, private readonly now: () => number = Date.now) {}

  /** Whether one more restart is allowed now (and counts it when it is). */
  take(): boolean {
    const t = this.now();
    while (this.times.length && t - this.times[0] > this.windowMs) this.times.shift();
    if (this.times.length >= this.max) return false;
    this.times.push(t);
    this.total++;
    return true;
  }

  /** A restart the user asked for starts the count again. */
  reset(): void {
    this.times.length = 0;
  }

  /** The window in whole minutes, for messages. */
  get minutes(): number {
    return Math.round(this.windowMs / 60_000);
  }
}
