import * as fs from 'fs';

/** A memory figure of a process's /proc status in MB (VmRSS: resident now; VmHWM: the highest so far); NaN once the process is gone. */
export function statusMB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The highest sample of a moment: its MB, and when it was taken (ms since sampling began). */
export interface MomentPeak { mb: number; at: number }

/**
 * The highest resident memory sampled in each moment of a run (the bench's steps): the peak
 * (VmHWM) says how high the server went, not when, and at L three moments come within a few
 * megabytes of each other. Sampled every `everyMs` from the bench's own thread, so a peak shorter
 * than that can be missed; VmHWM stays the figure held to the budget.
 */
export class RssMoments {
  private readonly highest = new Map<string, MomentPeak>();
  private readonly timer: NodeJS.Timeout;
  private readonly started = Date.now();

  constructor(private readonly pid: number, private moment: string, everyMs = 50) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  /** Samples from now on count for `moment`. */
  enter(moment: string): void {
    this.sample();
    this.moment = moment;
  }

  /** Stops sampling; the highest sample of each moment, in the order they were entered. */
  stop(): Map<string, MomentPeak> {
    this.sample();
    clearInterval(this.timer);
    return this.highest;
  }

  private sample(): void {
    const mb = statusMB(this.pid, 'VmRSS');
    if (Number.isNaN(mb) || mb <= (this.highest.get(this.moment)?.mb ?? 0)) return;
    this.highest.set(this.moment, { mb, at: Date.now() - this.started });
  }
}
