import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { BatchPaper, TopicBatch, visitWindows, windowsOf } from './topicBatch';
import { tokenize, withTransientTokens, WordTable } from './phrases';
import { utf8Tokens } from './topics';
import { Placer, PlacementPlan } from './placement';
import { readStored, StoredRead, TextStoreLocation } from '../runtime/textStore';
import { startWorker, WORKER_NICE } from '../runtime/workerThreads';

/**
 * Placing a large library's papers (reading and tokenizing each once, placement.ts) is most of a
 * topics computation, and every paper is placed on its own. So the topics worker has a helper
 * thread (the same bundle, started with a PlaceJob) place papers beside it. The helper starts with
 * the computation, so that it is running by the time there are papers to place; it then waits for
 * them (`begin`). The two take windows of papers (windowsOf) from one shared counter until none is
 * left, so each places as many as it gets through. The topics computation is synchronous (see
 * computeTopicTree), so the helper's answer is waited for with Atomics.wait and taken with
 * receiveMessageOnPort, not through the event loop.
 */
export interface PlaceJob {
  batch: TopicBatch;
  texts?: TextStoreLocation;
  port: MessagePort;
  /** [0]: 1 once the answer is on `port`; [1]: papers placed so far (see finish); [2]: 1 once the work is on `port`. */
  flags: Int32Array;
}

/** What there is to place, sent once the placement plan is known. */
export interface PlaceWork {
  /** The topics worker's words by id: the helper's table gets the same ids for them (replayWords). */
  words: readonly string[];
  plan: PlacementPlan;
  /** The batch's papers to place; both threads make the same windows of them (windowsOf, of `windowBytes`). */
  indexes: Int32Array;
  windowBytes?: number;
  /** Shared: the next window to take. */
  next: Int32Array;
  /** Shared: per window, who took it (TAKEN_BY). */
  owner: Uint8Array;
}

export const TAKEN_BY = { topics: 1, helper: 2 } as const;

/** Per paper placed: its batch index, its number of nodes, then the nodes. Or why the helper could not place them. */
type PlaceAnswer = { placed: Int32Array } | { error: string };

const DONE = 0, PLACED = 1, BEGUN = 2;

/** A helper that places papers: `begin` gives it its work, `finish` waits for its answer (Atomics.wait) and ends it. */
export class PlaceHelper {
  private ended = false;

  private constructor(private readonly worker: Worker, private readonly port: MessagePort, private readonly flags: Int32Array) {}

  /** Starts a helper from `file` (the topics worker's bundle) on a copy of the batch. */
  static start(file: string, job: Omit<PlaceJob, 'port' | 'flags'>): PlaceHelper {
    const { port1, port2 } = new MessageChannel();
    const flags = new Int32Array(new SharedArrayBuffer(12));
    const worker = startWorker(file, WORKER_NICE.topics, { workerData: { placeJob: { ...job, port: port2, flags } }, transferList: [port2] });
    // It reports through the port; an error event left unheard would end the process.
    worker.on('error', () => undefined);
    return new PlaceHelper(worker, port1, flags);
  }

  begin(work: PlaceWork): void {
    this.port.postMessage(work);
    Atomics.store(this.flags, BEGUN, 1);
    Atomics.notify(this.flags, BEGUN);
  }

  /**
   * The papers it placed (as PlaceAnswer's `placed`), or why not: an error, or no paper placed for
   * `stallMs` (a helper that died, or never started, answers never). Either way the helper is ended.
   */
  finish(stallMs: number): { placed?: Int32Array; error?: string } {
    try {
      for (let seen = Atomics.load(this.flags, PLACED); Atomics.wait(this.flags, DONE, 0, stallMs) === 'timed-out';) {
        const placed = Atomics.load(this.flags, PLACED);
        if (placed === seen) return { error: placed ? `it stopped after ${placed} papers` : 'it did not start' };
        seen = placed;
      }
      const answer = receiveMessageOnPort(this.port)?.message as PlaceAnswer | undefined;
      if (!answer) return { error: 'it said it was done but sent nothing' };
      return 'error' in answer ? { error: answer.error } : { placed: answer.placed };
    } finally {
      this.end();
    }
  }

  /** Ends it (unused, or done). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.port.close();
    void this.worker.terminate();
  }
}

/** The windows one thread takes from `windows`, each once across the threads sharing `next`. */
export function* takeWindows(windows: readonly number[][], next: Int32Array, owner: Uint8Array, me: number): Generator<number[]> {
  for (;;) {
    const w = Atomics.add(next, 0, 1);
    if (w >= windows.length) return;
    owner[w] = me;
    yield windows[w];
  }
}

/** In the helper thread: waits for its work, places papers, answers on its port, and says it is done. */
export function runPlaceJob(job: PlaceJob): void {
  let answer: PlaceAnswer;
  try {
    // Ended by the topics worker if there turns out to be nothing to place.
    while (Atomics.wait(job.flags, BEGUN, 0, 60_000) === 'timed-out') { /* still deriving */ }
    const work = receiveMessageOnPort(job.port)?.message as PlaceWork | undefined;
    if (!work) throw new Error('no work came with the signal to begin');
    answer = { placed: placeWork(job, work) };
  } catch (err) {
    answer = { error: String((err as Error)?.stack ?? err) };
  }
  job.port.postMessage(answer);
  Atomics.store(job.flags, DONE, 1);
  Atomics.notify(job.flags, DONE);
  job.port.close();
}

function placeWork(job: PlaceJob, work: PlaceWork): Int32Array {
  const table = replayWords(work.words);
  const placer = new Placer(work.plan, table);
  const windows = windowsOf(job.batch, work.windowBytes, Array.from(work.indexes));
  const papers: BatchPaper[] = new Array(job.batch.bounds.length / 3);
  // Only the papers of the window at hand exist: a paper for each of the batch's, made up front,
  // all outlived the young generation, which copied each of them twice.
  function* withPapers(taken: Iterable<number[]>): Generator<number[]> {
    for (const window of taken) {
      // The helper needs no keys or topics: it names each paper by its index in the batch (`at`).
      for (const i of window) papers[i] = new BatchPaper('', [], 'tag', job.batch, i);
      yield window;
      for (const i of window) delete papers[i];
    }
  }
  const placed: number[] = [];
  let done = 0;
  placeInWindows(job.batch, papers, (reads) => readStored(job.texts, reads), withPapers(takeWindows(windows, work.next, work.owner, TAKEN_BY.helper)), placer, table, (p, nodes) => {
    placed.push(p.at, nodes.length, ...nodes);
    if (++done % 256 === 0) Atomics.store(job.flags, PLACED, done);
  });
  return Int32Array.from(placed);
}

/** Reads the papers of `windows` (visitWindows), tokenizes each without keeping its tokens, and gives `put` the nodes `placer` puts it under. */
export function placeInWindows(batch: TopicBatch, papers: BatchPaper[], readInto: (wanted: StoredRead[]) => void, windows: Iterable<number[]>, placer: Placer, table: WordTable,
  put: (paper: BatchPaper, nodes: readonly number[]) => void): void {
  const nodes: number[] = [];
  visitWindows(batch, papers, readInto, windows, (p) => withTransientTokens(() => {
    nodes.length = 0;
    placer.place(utf8Tokens(p, table), nodes);
    put(p, nodes);
  }));
}

/** A table whose words have the ids they have in `words` (ids count from 1). */
export function replayWords(words: readonly string[]): WordTable {
  const table = new WordTable();
  for (let id = 1; id < words.length; id++) {
    const got = tokenize(words[id], table);
    if (got.length !== 1 || got[0] !== id) throw new Error(`the word "${words[id]}" did not get id ${id} again`);
  }
  return table;
}

/** Calls `put` for each paper of a helper's answer: its batch index and its nodes. */
export function readPlaced(placed: Int32Array, put: (index: number, nodes: readonly number[]) => void): void {
  for (let at = 0; at < placed.length;) {
    const index = placed[at], n = placed[at + 1];
    put(index, Array.from(placed.subarray(at + 2, at + 2 + n)));
    at += 2 + n;
  }
}
