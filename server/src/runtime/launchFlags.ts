import * as os from 'os';
import { runtimeTrickOff } from './tricks';

/**
 * Node flags the server process starts with: the extension passes them (client/src/extension.ts),
 * and so do the tests and the bench (test/support/lspClient.ts), so that they measure what runs.
 *
 * `--max-semi-space-size=2`: a young generation of 2 MB per semi-space instead of V8's default of up
 * to 16 MB. What the server thread allocates while it indexes (the parse results, the papers)
 * mostly stays alive, so each young collection copies nearly all of it, and its pause grows with
 * the semi-space: at the default those pauses were most of what a keystroke's request still waited
 * during a cold start. The flag is the process's: the worker threads have the same young generation
 * (larger ones for them bettered no figure: docs/performance.md, "Measured and not kept").
 *
 * The heap growing factor is not a flag here: the server sets it itself (runtime/heapGrowth.ts), so
 * that an editor that starts it without these flags gets it too.
 *
 * `--expose-gc`: lets the worker threads collect their garbage when a burst of work is done
 * (collectGarbage in workerThreads.ts), instead of holding it for seconds until V8's memory reducer
 * runs, which kept the process's peak memory high. The server thread never calls it.
 *
 * `--v8-pool-size`: V8's helper threads (parallel and concurrent collection, optimizing compiles,
 * shared by every thread of the process) no more than the machine's cores, at most Node's own 4.
 * On a two-core machine four helpers beside the server's own threads took turns on the cores, and
 * a warm start at L used more CPU time and took longer with them.
 * (docs/performance.md says what each did to the bench's figures.)
 */
export const SERVER_NODE_FLAGS: readonly string[] = [
  ...(runtimeTrickOff('semispace') ? [] : ['--max-semi-space-size=2']),
  '--expose-gc',
  ...(runtimeTrickOff('pool') ? [] : [`--v8-pool-size=${helperThreads()}`]),
];

/** The machine's cores (as Node estimates them), between 1 and 4. */
function helperThreads(): number {
  const cores = (os as { availableParallelism?: () => number }).availableParallelism?.() ?? os.cpus().length;
  return Math.max(1, Math.min(4, cores || 1));
}

/**
 * Environment the server process starts with, beside its own (the extension and the tests pass it
 * too); glibc's malloc reads it, other C libraries ignore it. `MALLOC_ARENA_MAX=2`: glibc gives
 * each thread that allocates its own arena, up to eight per core, and each of the server's six
 * threads kept freed native memory (array buffers, the workers' messages) in its own; two arenas
 * hold less of it. A fixed `MALLOC_MMAP_THRESHOLD_` (128 KB, or 4 MB) saved more memory still but
 * made the topics worker and the parse workers markedly slower (docs/performance.md), so the
 * threshold stays glibc's own.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = runtimeTrickOff('malloc') ? {} : { MALLOC_ARENA_MAX: '2' };
