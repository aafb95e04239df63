import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker, WorkerOptions } from 'worker_threads';
import { runtimeTrickOff } from './tricks';

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
 * V8 isolate, Node's own start-up and the bundle take tens of milliseconds of CPU per worker, and
 * four workers booting at the server thread's priority took a core from the first requests.
 *
 * On Linux each thread has its own nice value, set through its thread id, and Node creates the
 * worker's thread inside `new Worker()`: the one id that appears in /proc/self/task across that
 * call is the worker's. Elsewhere, or if that cannot be told (no single new id), it boots as before.
 */
export function startWorker(file: string, nice: number, options?: WorkerOptions): Worker {
  const before = runtimeTrickOff('renice') ? undefined : threadIds();
  const worker = new Worker(file, options);
  if (before) {
    const born = [...(threadIds() ?? [])].filter((id) => !before.has(id));
    if (born.length === 1) {
      try { os.setPriority(born[0], nice); } catch { /* not permitted: it lowers its own once it runs */ }
    }
  }
  return worker;
}

/**
 * A full garbage collection of the calling thread's heap, now, where the server runs with
 * `--expose-gc` (launchFlags.ts); elsewhere nothing. For a worker that has just finished a burst of
 * work and will sit idle: V8 collects an idle heap only after several seconds (its memory reducer),
 * and until then the garbage stays in the process's memory. Never on the server thread, where the
 * pause would delay a request.
 */
export function collectGarbage(): void {
  if (runtimeTrickOff('gc')) return;
  (globalThis as { gc?: () => void }).gc?.();
}

/** Called first thing in a worker: on Linux this lowers only the calling thread. */
export function lowerOwnPriority(nice: number): void {
  if (runtimeTrickOff('renice')) return;
  try { os.setPriority(nice); } catch { /* not permitted: the worker still runs off the server thread */ }
}

/**
 * Moves the calling thread into Linux's idle scheduling class (SCHED_IDLE), for bulk work nobody is
 * waiting on. A niced thread still holds its core when the server thread wakes with a keystroke's
 * request: the request can queue behind it. An idle-class thread gives way at once, and the kernel
 * counts a core running only such threads as free when it places a waking thread. Node cannot set
 * a thread's class, so util-linux's `chrt` does, by thread id (from /proc/thread-self).
 *
 * There is no way back without privileges, so callers move only once the work has turned out to be
 * bulk. Resolves to why it could not (for a log line), or undefined; elsewhere than Linux it does
 * nothing, and the thread keeps its nice value.
 */
export function idleOwnThread(): Promise<string | undefined> {
  if (process.platform !== 'linux' || runtimeTrickOff('chrt')) return Promise.resolve(undefined);
  let threadId: string;
  try {
    threadId = path.basename(fs.readlinkSync('/proc/thread-self'));
  } catch (err) {
    return Promise.resolve(`cannot tell this thread's id: ${(err as Error).message}`);
  }
  return new Promise((resolve) => {
    execFile('chrt', ['--idle', '--pid', '0', threadId], { timeout: 5000 }, (err) => resolve(err ? `chrt --idle failed: ${err.message.trim()}` : undefined));
  });
}

/** The calling thread's id on Linux (what /proc/self/task lists), else 0. */
export function ownThreadId(): number {
  if (process.platform !== 'linux') return 0;
  try { return Number(path.basename(fs.readlinkSync('/proc/thread-self'))) || 0; } catch { return 0; }
}

/**
 * CPU time (user + system, ms) a thread of this process has used, from /proc (Linux; clock ticks of
 * 10 ms), or undefined where that cannot be read. A thread's CPU time, unlike the clock, does not
 * grow while the thread waits for a core: a parse worker in the idle class can wait for seconds.
 */
export function threadCpuMs(threadId: number): number | undefined {
  if (!threadId) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/self/task/${threadId}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14 and 15)
  } catch {
    return undefined;
  }
}

function threadIds(): Set<number> | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return new Set(fs.readdirSync('/proc/self/task').map(Number));
  } catch {
    return undefined;
  }
}
