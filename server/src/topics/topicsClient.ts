import { Restarts, WorkerHost } from '../runtime/workerHost';
import type { TopicNode, TopicOptions } from './topics';
import type { TopicBatch } from './topicBatch';
import type { TextStoreLocation } from '../runtime/textStore';
import type { TopicsWorkerReply, TopicsWorkerRequest } from './topicsWorker';
import type { TopicsAnswer } from './topicsRequest';
import { Slice } from '../runtime/scheduler';

/**
 * A computation's answer as the worker sent it (its tree parsed), and the request's id: the tree's
 * papers, and the unplaced ones, are their places in the batch (see TopicsWorkerReply).
 */
export type TopicsComputed = Omit<TopicsAnswer, 'tree' | 'unplaced' | 'keys'> & { id: number; tree?: TopicNode<number>[]; unplaced?: number[] };

/**
 * How long a computation of `papers` papers may take before its worker is stopped: a minute, and
 * half a second more per thousand papers. A large library's tree takes a few seconds; one stuck
 * (a worker caught in a loop on some input) would otherwise leave the Topics view waiting for good.
 */
export const topicsTimeLimitMs = (papers: number): number => 60_000 + papers / 2;

/**
 * Runs topic computations in one worker thread, started on first use and kept for its token cache.
 * A worker that stops (a crash, or out of memory) or takes longer than `timeLimitMs` (then it is
 * stopped) answers its computation with an error, and the next computation starts a new one, as
 * often as `restarts` allows; past that, topics are off until the oldest of those restarts leaves
 * its window.
 */
export class TopicsWorkerClient {
  private host: WorkerHost<TopicsWorkerRequest, TopicsWorkerReply> | undefined;
  private started = false;

  constructor(private readonly workerPath: string, private readonly log: (line: string) => void, private readonly restarts = new Restarts(), private readonly timeLimitMs = topicsTimeLimitMs) {}

  /** Its buffers move to the worker (they are unusable here afterwards). `cacheDir`: where trees are kept across restarts. */
  async compute(batch: TopicBatch, options: TopicOptions, cacheDir?: string, texts?: TextStoreLocation, libraryHash?: string): Promise<TopicsComputed> {
    const host = this.host ?? this.start();
    if (!host) {
      const { max, minutes } = this.restarts;
      return { id: 0, ms: 0, error: `the topics worker stopped too often (restarted ${max} times within ${minutes === 1 ? 'a minute' : `${minutes} minutes`}); topics are off until that is over, then the next request starts it again (the output channel says why)` };
    }
    const limit = this.timeLimitMs(batch.bounds.length / 3);
    const longerThan = `took longer than ${Math.round(limit / 1000)} s`;
    let timer: NodeJS.Timeout | undefined;
    let overTime = false;
    const answered = host.request((id) => ({ id, batch, options, cacheDir, texts, libraryHash }), (m, id): m is TopicsWorkerReply => m.id === id, [batch.text.buffer as ArrayBuffer, batch.bounds.buffer as ArrayBuffer, ...(batch.stored ? [batch.stored.buffer as ArrayBuffer] : [])]);
    // Posted (copied): the caller holds the batch until the answer, and its metadata (every paper's key and topics) need not wait with it.
    batch.meta = '';
    const stopped = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        overTime = true;
        if (this.host === host) this.host = undefined;
        this.log(`topics worker stopped: the computation ${longerThan}`);
        void host.terminate().finally(() => resolve(undefined));
      }, limit);
    });
    const reply = await Promise.race([answered, stopped]).finally(() => clearTimeout(timer));
    if (overTime) return { id: 0, ms: limit, error: `the computation ${longerThan}, so it was stopped; the next request starts it again` };
    if (!reply) return { id: 0, ms: 0, error: `the topics worker stopped (${host.stopped}); the next request starts a new one` };
    const { roots, ...rest } = reply;
    return { ...rest, tree: roots && (await readRoots(roots)) };
  }

  private start(): WorkerHost<TopicsWorkerRequest, TopicsWorkerReply> | undefined {
    if (this.started && !this.restarts.take()) return undefined;
    this.started = true;
    const host = new WorkerHost<TopicsWorkerRequest, TopicsWorkerReply>(this.workerPath, 'topics').listen({
      onStop: (why) => {
        if (this.host === host) this.host = undefined;
        this.log(`topics worker stopped (${why})`);
      },
    });
    this.host = host;
    return host;
  }

  async dispose(): Promise<void> {
    await this.host?.terminate();
  }
}

/**
 * The tree's top-level nodes from their JSON, a few at a time, giving way to requests between
 * (the tree of a large library held the server thread for ~0.1 s when parsed, or cloned, at once).
 */
export async function readRoots(roots: readonly string[], slice = new Slice()): Promise<TopicNode<number>[]> {
  const tree: TopicNode<number>[] = [];
  for (const json of roots) {
    tree.push(JSON.parse(json) as TopicNode<number>);
    if (slice.spent()) await slice.giveWay();
  }
  return tree;
}
