import { threadCpuMs } from '../runtime/workerThreads';

/**
 * Where a parse worker is, shared with the thread that started it: the index (in the worker's list)
 * of the file it is loading, or -1 between files, and the worker's thread id (0 if unknown).
 */
export const PROGRESS_FILE = 0;
export const PROGRESS_THREAD = 1;
export function newProgress(): Int32Array {
  const progress = new Int32Array(new SharedArrayBuffer(8));
  progress[PROGRESS_FILE] = -1;
  return progress;
}

/**
 * Tells when a parse worker has spent longer than its budget on one file. Every parser is linear in
 * its input, so no file should come near it; this is what keeps a file that finds some other way to
 * be slow from holding up every file after it. Budgets are in the worker thread's own CPU time
 * where that can be read (Linux), else in time on the clock, three times as long.
 */
export class ParseWatchdog {
  private file = -1;
  private startedAt = 0;

  constructor(private readonly progress: Int32Array, private readonly budgetMs: number) {}

  /** The index of the file over budget, if the worker is stuck on one. */
  check(): number | undefined {
    const file = Atomics.load(this.progress, PROGRESS_FILE);
    const cpu = threadCpuMs(Atomics.load(this.progress, PROGRESS_THREAD));
    const now = cpu ?? Date.now();
    const budget = cpu === undefined ? 3 * this.budgetMs : this.budgetMs;
    if (file !== this.file) {
      this.file = file;
      this.startedAt = now;
      return undefined;
    }
    return file >= 0 && now - this.startedAt > budget ? file : undefined;
  }
}
