import { getHeapStatistics } from 'v8';
import { threadId } from 'worker_threads';

/**
 * With LITNOTES_MEMORY_LOG set (by `test/bench/memory.ts`), the thread writes its V8 heap in use, the
 * heap V8 has reserved for it (what the process's memory holds, garbage included) and its external
 * memory (array buffers, typed arrays) to stderr every half second, one line a sample:
 * `litnotes-memory <thread>#<id> <heap used> <heap committed> <external>` (bytes). A thread busy
 * with one long task writes none until it is done. Off otherwise: it exists to find
 * which thread holds the memory, not to run in users' editors.
 */
export function logMemory(thread: string): void {
  if (!process.env.LITNOTES_MEMORY_LOG) return;
  const sample = () => {
    const h = getHeapStatistics();
    process.stderr.write(`litnotes-memory ${thread}#${threadId} ${h.used_heap_size} ${h.total_heap_size} ${h.external_memory}\n`);
  };
  sample();
  setInterval(sample, 500).unref();
}
