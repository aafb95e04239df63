import * as fs from 'fs';

/** A process's resident memory now (VmRSS), in MB; NaN once it is gone. */
export function currentRssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * The highest resident memory sampled in each moment of a run (the bench's steps): the peak
 * (VmHWM) says how high the server went, not when, and at L three moments come within a few
 * megabytes of each other. Sampled every `everyMs` from the bench's own thread, so a peak shorter
 * than that can be missed; VmHWM stays the figure held to the budget.
 */
export class RssMoments {
  private readonly highest = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, private moment: string, everyMs = 50) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  /** Samples from now on count for `moment`. */
  enter(moment: string): void {
    this.sample();
    this.moment = moment;
  }

  /** Stops sampling; the highest sample of each moment, in MB, in the order they were entered. */
  stop(): Map<string, number> {
    this.sample();
    clearInterval(this.timer);
    return this.highest;
  }

  private sample(): void {
    const mb = currentRssMB(this.pid);
    if (!Number.isNaN(mb)) this.highest.set(this.moment, Math.max(this.highest.get(this.moment) ?? 0, mb));
  }
}
