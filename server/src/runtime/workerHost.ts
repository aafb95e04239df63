import { RestartBudget } from '../shared/restartBudget';
import type { Transferable, Worker } from 'worker_threads';
import { startWorker, WORKER_NICE } from './workerThreads';
import { returnFreedNativeMemorySoon } from './nativeMemory';

export type WorkerRole = keyof typeof WORKER_NICE;

interface Listeners<Reply> {
  /** Every message the worker sends that is not the answer to a request(). */
  onMessage?(message: Reply): void;
  /** It stopped on its own (an error, an exit, running out of memory), not by terminate(). */
  onStop?(why: string): void;
}

/**
 * One worker thread as the server thread uses it, the same way for the parse, full-text and topics
 * workers: started at its role's priority (workerThreads.ts), messages typed both ways, requests
 * matched to their answers, and one account of why it stopped. A request the worker can no longer
 * answer resolves to undefined instead of waiting forever. It does not keep the process alive
 * unless told it is needed (`needed`).
 */
export class WorkerHost<Request, Reply> {
  private readonly worker: Worker;
  private listeners: Listeners<Reply> = {};
  private readonly requests = new Map<number, { isAnswer: (m: Reply) => boolean; resolve: (m: Reply | undefined) => void }>();
  private nextId = 0;
  private terminated = false;
  /** Why it stopped, once it has ("exit code 1", an error's stack, "terminated"). */
  stopped: string | undefined;
  private readonly ended: Promise<void>;
  /** The thread's id (worker_threads.threadId inside it). */
  readonly threadId: number;

  /** Throws if the thread cannot be started. */
  constructor(file: string, role: WorkerRole) {
    this.worker = startWorker(file, WORKER_NICE[role]);
    this.threadId = this.worker.threadId;
    this.worker.unref();
    this.worker.on('message', (m: Reply) => this.receive(m));
    // An uncaught error ends the thread: it is why it stopped, said once it has exited. Node hands
    // over the messages the thread posted before then, so an answer it sent just before failing
    // still reaches its request (at 'error', requests would resolve to undefined ahead of it).
    let failure: string | undefined;
    this.worker.on('error', (err) => { failure ??= String(err.stack ?? err); });
    this.ended = new Promise((resolve) => this.worker.once('exit', (code) => {
      this.stop(failure ?? `exit code ${code}`);
      returnFreedNativeMemorySoon(); // what its heap and buffers held is free now
      resolve();
    }));
  }

  /** Replaces the listeners (a worker started ahead of its work gets them when the work arrives). */
  listen(listeners: Listeners<Reply>): this {
    this.listeners = listeners;
    return this;
  }

  post(message: Request, transfer?: readonly Transferable[]): void {
    this.worker.postMessage(message, transfer);
  }

  /**
   * Sends the message `make` builds for a fresh id and resolves to the first reply `isAnswer` accepts
   * for that id, or to undefined once the worker has stopped.
   */
  request<Answer extends Reply>(make: (id: number) => Request, isAnswer: (message: Reply, id: number) => message is Answer, transfer?: readonly Transferable[]): Promise<Answer | undefined> {
    if (this.stopped !== undefined) return Promise.resolve(undefined);
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.requests.set(id, { isAnswer: (m) => isAnswer(m, id), resolve: resolve as (m: Reply | undefined) => void });
      this.post(make(id), transfer);
    });
  }

  /** Whether the process must stay alive for this worker (a scan waiting on it), or not (an idle one). */
  needed(yes: boolean): void {
    if (yes) this.worker.ref(); else this.worker.unref();
  }

  /** Resolves when the thread has ended, for whatever reason. */
  whenEnded(): Promise<void> {
    return this.ended;
  }

  /** Stops it; its listeners hear nothing more, and requests still waiting resolve to undefined. */
  async terminate(): Promise<void> {
    this.terminated = true;
    this.stop('terminated');
    await this.worker.terminate();
  }

  private receive(message: Reply): void {
    for (const [id, r] of this.requests) {
      if (!r.isAnswer(message)) continue;
      this.requests.delete(id);
      r.resolve(message);
      return;
    }
    if (!this.terminated) this.listeners.onMessage?.(message);
  }

  private stop(why: string): void {
    if (this.stopped !== undefined) return;
    this.stopped = why;
    for (const r of this.requests.values()) r.resolve(undefined);
    this.requests.clear();
    if (!this.terminated) this.listeners.onStop?.(why);
  }
}

/**
 * How often a stopped worker of one kind is replaced by a new one: three times within ten minutes.
 * Past that the work goes elsewhere or is off (and a log line says so), instead of a worker that
 * crashes on some input being restarted in a loop, until the oldest of those restarts is ten
 * minutes old: a rare crash now and then in a long session does not leave the work off for good.
 */
export class Restarts extends RestartBudget {
  constructor(max = 3, windowMs = 10 * 60_000, now?: () => number) {
    super(max, windowMs, now);
  }
}
