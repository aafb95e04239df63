import { Worker } from 'worker_threads';
import { startWorker, WORKER_NICE } from '../runtime/workerThreads';
import type { TopicOptions } from './topics';
import type { TopicBatch } from './topicBatch';
import type { TopicsWorkerReply, TopicsWorkerRequest } from './topicsWorker';

/**
 * Runs topic computations in one worker thread, started on first use and kept for its token cache.
 * A worker that stops (a crash, or out of memory) answers its computation with an error, and the
 * next computation starts a new one: before, the request waited forever.
 */
export class TopicsWorkerClient {
  private worker: Worker | undefined;
  private nextId = 0;

  constructor(private readonly workerPath: string, private readonly log: (line: string) => void) {}

  /** Its buffers move to the worker (they are unusable here afterwards). `cacheDir`: where trees are kept across restarts. */
  compute(batch: TopicBatch, options: TopicOptions, cacheDir?: string): Promise<TopicsWorkerReply> {
    const worker = this.worker ?? this.start();
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const onMessage = (reply: TopicsWorkerReply) => {
        if (reply.id !== id) return;
        worker.off('message', onMessage).off('exit', onExit);
        resolve(reply);
      };
      const onExit = (code: number) => {
        worker.off('message', onMessage);
        resolve({ id, ms: 0, error: `the topics worker stopped (exit code ${code}); the next request starts a new one` });
      };
      worker.on('message', onMessage).once('exit', onExit);
      worker.postMessage({ id, batch, options, cacheDir } satisfies TopicsWorkerRequest, [batch.text.buffer as ArrayBuffer, batch.bounds.buffer as ArrayBuffer]);
    });
  }

  private start(): Worker {
    const worker = startWorker(this.workerPath, WORKER_NICE.topics);
    worker.unref();
    worker.on('error', (err) => this.log(`topics worker failed: ${err.stack ?? err}`));
    worker.once('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (!this.disposed) this.log(`topics worker stopped (exit code ${code})`);
    });
    this.worker = worker;
    return worker;
  }

  private disposed = false;

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.worker?.terminate();
  }
}
