import * as fs from 'fs';
import * as os from 'os';
import { Worker } from 'worker_threads';

/**
 * A small young generation for the parse, full-text and topics workers: they allocate in bursts (a
 * batch of files, a shard or a computation at a time), and at V8's default each grows a semi-space
 * pair of tens of MB that stays resident. For the two parse workers of a cold start at M this took
 * ~25 MB off the process's memory when its full text was ready (median of 5: 365 -> 341 MB), with
 * the scan as fast as before.
 */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

/**
 * Each worker's priority (nice value; the server thread stays at 0, so a keystroke's request wins
 * a core). Parse workers above the full-text workers, whose builds need parsed files first; the
 * topics worker as high as the parse workers, as someone is waiting for the tree, while the index
 * workers' idle work (merging, cache files) is not urgent.
 */
export const WORKER_NICE = { parse: 10, fullText: 15, topics: 10 } as const;

/**
 * Starts a worker thread that runs at `nice` from its first instruction. Each worker also lowers
 * its own priority when its code starts (see lowerOwnPriority), but that is after it has booted: its
 * V8 isolate, Node's own start-up and the bundle take ~60-100 ms of CPU per worker, and four
 * workers booting at the server thread's priority took a core from requests at start-up (the
 * bench's stall probe at S, median of 8 cold starts: 42 ms, against 22 ms with this).
 *
 * On Linux each thread has its own nice value, set through its thread id, and Node creates the
 * worker's thread inside `new Worker()`: the one id that appears in /proc/self/task across that
 * call is the worker's. Elsewhere, or if that cannot be told (no single new id), it boots as before.
 */
export function startWorker(file: string, nice: number): Worker {
  const before = threadIds();
  const worker = new Worker(file, { resourceLimits: WORKER_LIMITS });
  if (before) {
    const born = [...(threadIds() ?? [])].filter((id) => !before.has(id));
    if (born.length === 1) {
      try { os.setPriority(born[0], nice); } catch { /* not permitted: it lowers its own once it runs */ }
    }
  }
  return worker;
}

/** Called first thing in a worker: on Linux this lowers only the calling thread. */
export function lowerOwnPriority(nice: number): void {
  try { os.setPriority(nice); } catch { /* not permitted: the worker still runs off the server thread */ }
}

function threadIds(): Set<number> | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return new Set(fs.readdirSync('/proc/self/task').map(Number));
  } catch {
    return undefined;
  }
}
