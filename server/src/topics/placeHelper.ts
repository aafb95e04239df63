import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { BatchPaper, TopicBatch, visitInWindows } from './topicBatch';
import { PaperTokens, tokenize, tokenizeUtf8, withTransientTokens, WordTable } from './phrases';
import { Placer, PlacementPlan } from './placement';
import { readStored, TextStoreLocation } from '../runtime/textStore';
import { startWorker, WORKER_NICE } from '../runtime/workerThreads';

/**
 * Placing a large library's papers (reading and tokenizing each once, placement.ts) is most of a
 * topics computation, and every paper is placed on its own. So the topics worker hands part of
 * them to a helper thread, the same bundle started with a PlaceJob, and places the rest itself.
 * The topics computation is synchronous (see computeTopicTree), so the answer is waited for with
 * Atomics.wait and taken with receiveMessageOnPort, not through the event loop.
 */
export interface PlaceJob {
  /** The topics worker's words by id: the helper's table gets the same ids for them (replayWords). */
  words: readonly string[];
  plan: PlacementPlan;
  batch: TopicBatch;
  /** The batch's papers to place. */
  indexes: Int32Array;
  texts?: TextStoreLocation;
  port: MessagePort;
  /** [0]: set to 1 once the answer is on `port`; [1]: papers placed so far (see PlaceHelper.finish). */
  done: Int32Array;
}

/** Per paper placed: its batch index, its number of nodes, then the nodes. Or why the helper could not place them. */
type PlaceAnswer = { placed: Int32Array } | { error: string };

/** A helper placing papers: `finish` waits for its answer (Atomics.wait) and ends it. */
export class PlaceHelper {
  private constructor(private readonly worker: Worker, private readonly port: MessagePort, private readonly done: Int32Array) {}

  /** Starts a helper from `file` (the topics worker's bundle) on the batch's papers at `indexes`. */
  static start(file: string, job: Omit<PlaceJob, 'port' | 'done'>): PlaceHelper {
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(8));
    const worker = startWorker(file, WORKER_NICE.topics, { workerData: { placeJob: { ...job, port: port2, done } }, transferList: [port2] });
    // It reports through the port; an error event left unheard would end the process.
    worker.on('error', () => undefined);
    return new PlaceHelper(worker, port1, done);
  }

  /**
   * The papers it placed (as PlaceAnswer's `placed`), or why not: an error, or no paper placed for
   * `stallMs` (a helper that died, or never started, answers never). Either way the helper is ended.
   */
  finish(stallMs: number): { placed?: Int32Array; error?: string } {
    try {
      for (let seen = Atomics.load(this.done, 1); Atomics.wait(this.done, 0, 0, stallMs) === 'timed-out';) {
        const placed = Atomics.load(this.done, 1);
        if (placed === seen) return { error: placed ? `it stopped after ${placed} papers` : 'it did not start' };
        seen = placed;
      }
      const answer = receiveMessageOnPort(this.port)?.message as PlaceAnswer | undefined;
      if (!answer) return { error: 'it said it was done but sent nothing' };
      return 'error' in answer ? { error: answer.error } : { placed: answer.placed };
    } finally {
      this.port.close();
      void this.worker.terminate();
    }
  }
}

/** In the helper thread: places the job's papers, answers on its port, and says it is done. */
export function runPlaceJob(job: PlaceJob): void {
  let answer: PlaceAnswer;
  try {
    answer = { placed: placeJob(job) };
  } catch (err) {
    answer = { error: String((err as Error)?.stack ?? err) };
  }
  job.port.postMessage(answer);
  Atomics.store(job.done, 0, 1);
  Atomics.notify(job.done, 0);
  job.port.close();
}

function placeJob(job: PlaceJob): Int32Array {
  const table = replayWords(job.words);
  const placer = new Placer(job.plan, table);
  const count = job.batch.bounds.length / 3;
  // The helper needs no keys: each paper is named by its index in the batch.
  const papers = Array.from({ length: count }, (_, i) => new BatchPaper(String(i), [], 'tag', job.batch, i));
  const wanted = new Uint8Array(count);
  for (const i of job.indexes) wanted[i] = 1;
  const placed: number[] = [];
  const nodes: number[] = [];
  let done = 0;
  visitInWindows(job.batch, papers, (reads) => readStored(job.texts, reads), (p) => withTransientTokens(() => {
    nodes.length = 0;
    placer.place(paperTokens(p, table), nodes);
    placed.push(Number(p.key), nodes.length, ...nodes);
    if (++done % 256 === 0) Atomics.store(job.done, 1, done);
  }), (p) => wanted[Number(p.key)] === 1);
  return Int32Array.from(placed);
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

/** A batch paper's tokens, read from its bytes (inside its window), without a cache. */
export function paperTokens(p: BatchPaper, table: WordTable): PaperTokens {
  return { title: tokenizeUtf8(p.text, p.start, p.titleEnd, table), abstract: tokenizeUtf8(p.text, p.titleEnd, p.end, table) };
}

/** Calls `put` for each paper of a helper's answer: its batch index and its nodes. */
export function readPlaced(placed: Int32Array, put: (index: number, nodes: readonly number[]) => void): void {
  for (let at = 0; at < placed.length;) {
    const index = placed[at], n = placed[at + 1];
    put(index, Array.from(placed.subarray(at + 2, at + 2 + n)));
    at += 2 + n;
  }
}
