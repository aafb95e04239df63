/**
 * The one way background work on the server thread (recomputing papers, taking the scan's results,
 * sending full-text shards, packing papers for topics, pruning the parse cache) shares the thread
 * with the editor's requests: it runs in slices of SLICE_MS and, between slices, gives way until the
 * queued messages have been dispatched. One slice runs per turn of the event loop, whichever piece
 * of work it belongs to, so completion, hover and definition wait at most about a slice however
 * many pieces are under way.
 */

/** How long one slice of background work may hold the server thread. */
export const SLICE_MS = 2;

/**
 * vscode-jsonrpc dispatches one queued message per turn of the event loop (one setImmediate each).
 * A slice that simply awaited setImmediate ran again in every turn, so a request with two messages
 * ahead of it (a change and a completion, say) also waited two rounds of every running slice. Here
 * background work waits further turns for as long as messages keep being dispatched, and resumes in
 * the first turn that dispatched none.
 */
let dispatched = 0;

/** Called for every message the connection dispatches (its message strategy, main.ts). */
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

/** Pieces of background work waiting for their next slice, in the order they gave way. */
const waiting: (() => void)[] = [];
let driving = false;

/**
 * Resolves when it is this piece's turn for a slice: once the queued messages have been dispatched
 * and the pieces that gave way before it have had theirs, one per turn. When each piece waited
 * for the messages on its own, all of them resumed in the same turn: at the end of a large scan
 * (its last results, the recompute, the full-text shards, the parse cache's pruning) a request
 * waited behind four slices and what each ran over by.
 */
function nextSlice(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!driving) void drive();
  });
}

async function drive(): Promise<void> {
  driving = true;
  try {
    while (waiting.length) {
      await yieldToRequests();
      // The piece runs its slice in this turn's microtasks, after which it queues again (giveWay).
      waiting.shift()!();
    }
  } finally {
    driving = false;
  }
}

/**
 * The clock of one piece of background work: check `spent()` between units of work, `giveWay()` when
 * it is. Timed with `performance.now()`: `Date.now()` counts whole milliseconds, so a 2 ms slice
 * timed with it ran anywhere from just over 1 ms to just under 3.
 */
export class Slice {
  private start = performance.now();

  constructor(private readonly ms = SLICE_MS) {}

  spent(): boolean {
    return performance.now() - this.start >= this.ms;
  }

  /** Lets the queued requests and the other pieces' slices run, then starts a new slice. */
  async giveWay(): Promise<void> {
    await nextSlice();
    this.start = performance.now();
  }

  /** Gives way if the slice is spent. */
  async check(): Promise<void> {
    if (this.spent()) await this.giveWay();
  }
}

/** Runs a computation written as steps (a generator that yields between units of work) in slices. */
export async function runSliced(steps: Iterable<void>, sliceMs = SLICE_MS): Promise<void> {
  await resultInSlices(steps[Symbol.iterator](), sliceMs);
}

/** Runs a computation written as steps that ends with a value (a sort, say) in slices; resolves to the value. */
export async function resultInSlices<T>(steps: Iterator<void, T>, sliceMs = SLICE_MS): Promise<T> {
  const slice = new Slice(sliceMs);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    if (slice.spent()) await slice.giveWay();
  }
}

/**
 * Runs `run` `ms` from now, unless `busy()` says so then: it looks again `ms` later, until it does
 * not. For background work that should not run beside another (the parse cache's writing and
 * malloc's trims, beside a topics computation).
 */
export function afterWhileBusy(ms: number, busy: () => boolean, run: () => void): NodeJS.Timeout {
  const timer = setTimeout(() => {
    if (busy()) timer.refresh();
    else run();
  }, ms);
  return timer;
}
