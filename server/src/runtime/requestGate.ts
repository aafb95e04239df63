/**
 * How background work on the server thread (recomputing papers, sending shards, packing topics)
 * gives way to the editor's requests between its slices.
 *
 * vscode-jsonrpc dispatches one queued message per turn of the event loop (one setImmediate
 * each). A slice that simply awaited setImmediate ran again in every turn, so a request with two
 * messages ahead of it (a change and a completion, say) also waited two rounds of every running
 * slice. Here a slice waits further turns for as long as messages keep being dispatched, and
 * resumes in the first turn that dispatched none.
 */

let dispatched = 0;

/** Called for every message the connection dispatches (its message strategy). */
export function messageDispatched(): void {
  dispatched++;
}

/** An upper bound, so that a client sending without pause cannot hold background work forever. */
const MAX_TURNS = 64;

export async function yieldToRequests(): Promise<void> {
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const before = dispatched;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (dispatched === before) return;
  }
}
