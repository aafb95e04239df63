import * as path from 'path';
import { runtimeTrickOff } from './tricks';
import { afterWhileBusy } from './scheduler';

/**
 * glibc's malloc keeps the memory of freed array buffers and of the messages between the server's
 * threads in its arenas, counted in the process's RSS, until it is asked to give it back
 * (malloc_trim); no environment setting of glibc's does that without making the workers slower
 * (docs/performance.md). The build compiles a small native helper for that
 * (server/native/nativeMemory.c, `dist/nativeMemory.node`) where it can. Where it is not there (not
 * Linux, no compiler at build time, a C library other than glibc) these functions do nothing.
 */
interface NativeMemoryHelper {
  /** Runs malloc_trim on a thread of libuv's pool (it walks every arena); true if memory was given back. */
  trim(): Promise<boolean>;
}

const HELPER_FILE = 'nativeMemory.node';

let helper: NativeMemoryHelper | null | undefined;

/** The helper built beside this bundle in `dir` (the bundles' folder), or why it is not there. */
export function loadNativeMemoryHelper(dir: string): NativeMemoryHelper | { missing: string } {
  try {
    const module = { exports: {} as Partial<NativeMemoryHelper> };
    process.dlopen(module, path.join(dir, HELPER_FILE));
    return typeof module.exports.trim === 'function' ? (module.exports as NativeMemoryHelper) : { missing: 'it has no trim()' };
  } catch (err) {
    return { missing: (err as Error).message }; // not built here, or not loadable on this system
  }
}

/** Whether this process can give malloc's free memory back (the helper loaded, and the trick on). */
function canTrim(): boolean {
  if (runtimeTrickOff('trim')) return false;
  if (helper === undefined) {
    const loaded = loadNativeMemoryHelper(__dirname);
    helper = 'trim' in loaded ? loaded : null;
    // Only glibc has malloc_trim, so only on Linux is its absence worth a line.
    if ('missing' in loaded && process.platform === 'linux') log(`freed memory is given back only when malloc does so itself: the native memory helper could not be loaded (${loaded.missing})`);
  }
  return helper !== null;
}

/**
 * A burst of work has just ended (a scan, the full text, a topic tree, a worker): its freed buffers
 * go back to malloc as V8 sweeps them, so the memory is given back a moment later, once for several
 * bursts in a row, and once more a while after, when V8 has collected the idle heaps again.
 */
const TRIM_AFTER_MS = 500;
const TRIM_AGAIN_AFTER_MS = 10_000;
let soon: NodeJS.Timeout | undefined;
let later: NodeJS.Timeout | undefined;
let busy: () => boolean = () => false;
let log: (line: string) => void = () => undefined;

/**
 * The server's: while `busyNow()` says so, a trim waits (memory given back then is taken again at
 * once, page by page); `logLine` says once if the helper is missing where it should be.
 */
export function configureNativeTrim(busyNow: () => boolean, logLine: (line: string) => void): void {
  busy = busyNow;
  log = logLine;
}

/**
 * Gives malloc's free memory back now, from any of the server's threads (the trim runs on libuv's
 * pool): for a thread in the middle of a long piece of work, at a point where it has freed much and
 * is about to take more (the topics worker, between choosing a large library's topics and placing
 * its papers), which the server's trims, made only between bursts of work, do not reach.
 */
export function returnFreedNativeMemoryNow(): void {
  if (canTrim()) helper!.trim().catch(() => undefined);
}

export function returnFreedNativeMemorySoon(): void {
  if (!canTrim()) return;
  soon ??= trimAfter(TRIM_AFTER_MS, () => { soon = undefined; });
  if (later) clearTimeout(later);
  later = trimAfter(TRIM_AGAIN_AFTER_MS, () => { later = undefined; });
}

function trimAfter(ms: number, done: () => void): NodeJS.Timeout {
  return afterWhileBusy(ms, () => busy(), () => {
    done();
    helper!.trim().catch(() => undefined); // not started: the memory stays until the next burst
  }).unref();
}
