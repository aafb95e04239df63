import * as os from 'os';
import type { Library, Paper } from '../model/library';
import { shardDocs, shardHash, shardOf, fnv1a } from './documents';
import type { WorkerHit, WorkerReply, WorkerRequest } from './messages';
import { snippet } from './snippet';
import { Restarts, WorkerHost } from '../runtime/workerHost';
import { Slice } from '../runtime/scheduler';
import type { TextStoreLocation } from '../runtime/textStore';
import { removePostingFilesOf } from './postingFile';
import { ShardProgress } from './shardProgress';

type SearchWorker = WorkerHost<WorkerRequest, WorkerReply>;
type Results = Extract<WorkerReply, { type: 'results' }>;

export interface SearchHit { key: string; title: string; score: number; snippet: string; paper: Paper }
/** `onePass`: every worker answered from one merged index (as it does once settled), not shard by shard. */
export interface SearchResult { hits: SearchHit[]; error?: string; partial: boolean; onePass?: boolean }
export interface FullTextStatus { shards: number; ready: number; building: number; cacheHits: number; built: number; failed: number }

/** Documents per message to a worker (a digest shard has ~100; a bibliography's can have thousands). */
const DOCS_PER_MESSAGE = 500;

export interface SearchServiceOptions {
  workerPath: string;
  cacheDir?: string;
  /** The text store the documents' stored texts are in. */
  texts?: TextStoreLocation;
  workers?: number;
  log(line: string): void;
  /** Called when the set of pending builds becomes empty or non-empty. */
  onStatus?(status: FullTextStatus): void;
}

/**
 * Full-text search over lunr shards held by worker threads. Shards are assigned to workers by a
 * hash of their id; a changed file marks only its shard dirty; builds happen in the workers;
 * searches go to every worker and their hits are merged by score, per paper.
 */
export class SearchService {
  private readonly workers: SearchWorker[] = [];
  private readonly known = new ShardProgress();
  private readonly dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly counts = { cacheHits: 0, built: 0, failed: 0 };
  private idleWaiters: (() => void)[] = [];
  /** Bumped whenever a worker's shards change; a settle answered for an older one does not count. */
  private settleGeneration = 0;
  /** The generation the last settle was sent for, and how many workers have answered it. */
  private settleSent = -1;
  private settleReplies = 0;

  /**
   * Whether the workers have merged the shards they hold now and listed their terms (see 'settle').
   * Until then a query goes shard by shard and a wildcard waits for the term list, and the first
   * queries after the last shard were many times slower.
   */
  private get settled(): boolean {
    return this.settleSent === this.settleGeneration && this.settleReplies === this.workers.length;
  }

  constructor(private readonly library: Library, private readonly opts: SearchServiceOptions) {
    const n = Math.max(1, Math.min(opts.workers ?? 2, os.cpus().length));
    for (let i = 0; i < n; i++) this.workers.push(this.startWorker(i, n));
  }

  private startWorker(slot: number, workers: number): SearchWorker {
    const w: SearchWorker = new WorkerHost<WorkerRequest, WorkerReply>(this.opts.workerPath, 'fullText');
    w.listen({ onMessage: (m) => this.onReply(m), onStop: (why) => this.onWorkerStop(w, why) });
    w.post({ type: 'configure', cacheDir: this.opts.cacheDir, texts: this.opts.texts, slot, workers });
    return w;
  }

  /** A shard that kills every worker it lands on ends with full-text search off, not a loop of restarts. */
  private readonly restarts = new Restarts();
  private disposed = false;

  /**
   * A worker stopped (it crashed, or ran out of memory): its shards are built again, by a new
   * worker in its place or, once the restarts are used up, by the others; searches waiting for it
   * get the other workers' answers (the host resolves their requests).
   */
  private onWorkerStop(dead: SearchWorker, why: string): void {
    const slot = this.workers.indexOf(dead);
    if (this.disposed || slot < 0) return;
    if (this.opts.texts) removePostingFilesOf(this.opts.texts.dir, dead.threadId);
    const owners = new Map<string, SearchWorker>();
    for (const shard of this.known.shards()) owners.set(shard, this.workerFor(shard));
    let replacement: SearchWorker | undefined;
    if (this.restarts.take()) {
      try {
        replacement = this.startWorker(slot, this.workers.length);
      } catch (err) {
        this.opts.log(`full-text worker could not be started again: ${(err as Error).message}`);
      }
    }
    if (replacement) this.workers[slot] = replacement;
    else this.workers.splice(slot, 1);
    this.opts.log(`full-text worker ${slot} stopped (${why}); ` + (replacement
      ? 'a new one builds its shards again (from the cache where they are there)'
      : this.workers.length ? `its shards move to the other ${this.workers.length === 1 ? 'worker' : `${this.workers.length} workers`}` : 'full-text search is off until the server restarts'));
    for (const [shard, owner] of owners) {
      const now = this.workers.length ? this.workerFor(shard) : undefined;
      if (now === owner) continue;
      if (owner !== dead) owner.post({ type: 'drop', shard });
      this.known.forget(shard);
      this.docsWanted.delete(shard);
      if (now) this.dirty.add(shard);
    }
    if (!this.workers.length) this.dirty.clear();
    this.shardsChanged();
    if (this.dirty.size) this.flush(); else this.reportStatus();
  }

  private workerFor(shard: string): SearchWorker {
    return this.workers[fnv1a(shard) % this.workers.length];
  }

  /** A note or digest file changed or went away: its shard is rebuilt shortly, off the request path. */
  fileChanged(uri: string): void {
    if (!this.workers.length) return; // full-text search is off (see onWorkerExit)
    const kind = this.library.file(uri)?.kind ?? (this.known.has(shardOf(uri, 'digest')) ? 'digest' : 'note');
    const shard = shardOf(uri, kind);
    this.dirty.add(shard);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), 100);
  }

  /**
   * While a scan is reading files, every shard stays dirty instead of being sent; they all go once
   * the files are read. A note group fills up over the whole scan, and sending it at every change
   * rebuilt it dozens of times. A digest's shard is complete when its file is read, but building it
   * then took the cores from the scan: a cold scan's parse workers are in the idle scheduling class
   * (runtime/workerThreads.ts), below the full-text workers' nice value, so the last papers became
   * completable only shortly before the full text was ready. Nor are the workers asked to settle
   * meanwhile.
   */
  holdShards = false;

  /**
   * Send the dirty shards to their workers (documents are gathered and hashed here, indexes built
   * there), a few milliseconds at a time: gathering, hashing and copying a few thousand documents
   * in one go was the longest pause of this thread at the end of a scan.
   */
  flush(): void {
    if (this.flushTimer) { clearTimeout(this.flushTimer); this.flushTimer = undefined; }
    if (this.flushing) { this.flushAgain = true; return; }
    this.flushing = true;
    void this.flushInSlices().finally(() => {
      this.flushing = false;
      if (this.flushAgain) { this.flushAgain = false; this.flush(); } else this.reportStatus();
    });
  }

  private flushing = false;
  private flushAgain = false;
  /** Shards whose worker had no index for their hash: shard -> hash it asked documents for. */
  private readonly docsWanted = new Map<string, string>();

  private async flushInSlices(): Promise<void> {
    const slice = new Slice();
    const pause = async () => {
      if (!slice.spent()) return;
      this.reportStatus();
      await slice.giveWay();
    };
    for (const shard of [...this.dirty].sort()) {
      if (this.holdShards) break;
      if (!this.dirty.has(shard)) continue;
      this.dirty.delete(shard);
      this.send(shard);
      await pause();
    }
    for (const [shard, hash] of [...this.docsWanted]) {
      if (this.docsWanted.get(shard) !== hash) continue;
      this.docsWanted.delete(shard);
      await this.sendDocs(shard, hash, pause);
      await pause();
    }
  }

  /** Ask for a shard by content hash; its documents follow only if the worker has no index for it. */
  private send(shard: string): void {
    const hash = shardHash(this.library, shard);
    if (!hash) {
      if (this.known.forget(shard)) {
        this.shardsChanged();
        this.workerFor(shard).post({ type: 'drop', shard });
      }
      return;
    }
    if (this.known.sentHash(shard) === hash) return;
    this.known.sentAs(shard, hash);
    this.shardsChanged();
    this.workerFor(shard).post({ type: 'build', shard, hash });
  }

  /**
   * The worker has no index for this content: send the documents, unless the shard has changed since
   * (it is sent again then). A large shard (a bibliography of thousands of entries) goes in messages
   * of DOCS_PER_MESSAGE, with a pause between them: each is copied on this thread in one piece.
   */
  private async sendDocs(shard: string, hash: string, pause: () => Promise<void>): Promise<void> {
    if (this.known.sentHash(shard) !== hash || shardHash(this.library, shard) !== hash) return;
    const docs = shardDocs(this.library, shard);
    const worker = this.workerFor(shard);
    let at = 0;
    for (; docs.length - at > DOCS_PER_MESSAGE; at += DOCS_PER_MESSAGE) {
      worker.post({ type: 'docs', shard, hash, docs: docs.slice(at, at + DOCS_PER_MESSAGE) });
      await pause();
      if (this.known.sentHash(shard) !== hash || this.workerFor(shard) !== worker) return; // changed meanwhile: sent again
    }
    worker.post({ type: 'build', shard, hash, docs: docs.slice(at) });
  }

  status(): FullTextStatus {
    const ready = this.known.ready;
    const building = this.known.size - ready + this.dirty.size;
    // Every shard built but not yet merged for querying counts as one more step.
    const settling = building === 0 && this.known.size > 0 && !this.settled ? 1 : 0;
    return { shards: this.known.size, ready, building: building + settling, ...this.counts };
  }

  /** Resolves when every known shard is built (used by tests and the benchmark, never by requests). */
  whenIdle(): Promise<void> {
    if (this.status().building === 0 && !this.flushTimer && !this.flushing) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private reportStatus(): void {
    const s = this.status();
    // Not while a scan is still sending shards: merging between its bursts redid the work many times
    // over and took CPU from the scan (the longest stalls of the server thread grew).
    if (s.building === 1 && !this.settled && s.ready === s.shards && !this.flushTimer && !this.flushing && !this.holdShards) this.settle();
    this.opts.onStatus?.(s);
    if (s.building === 0 && !this.flushTimer && !this.flushing) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Ask every worker to prepare for querying now that all shards are built. */
  private settle(): void {
    if (this.settleSent === this.settleGeneration) return;
    this.settleSent = this.settleGeneration;
    this.settleReplies = 0;
    for (const w of this.workers) w.post({ type: 'settle', id: this.settleGeneration });
  }

  private shardsChanged(): void {
    this.settleGeneration++;
  }

  private onReply(m: WorkerReply): void {
    if (m.type === 'settled') {
      if (m.id === this.settleSent && ++this.settleReplies === this.workers.length) this.reportStatus();
      return;
    }
    if (m.type === 'built') {
      this.shardsChanged();
      if (m.source === 'failed') { this.counts.failed++; this.opts.log(`full-text shard ${m.shard} failed to build: ${m.error}`); }
      else {
        if (m.source === 'cache') this.counts.cacheHits++; else if (m.source === 'built') this.counts.built++;
        this.known.builtAs(m.shard, m.hash);
      }
      this.reportStatus();
      return;
    }
    if (m.type === 'log') {
      this.opts.log(`full-text search: ${m.line}`);
      return;
    }
    if (m.type === 'needDocs') {
      if (m.cacheProblem) this.opts.log(`full-text cache for ${m.shard} was rebuilt: ${m.cacheProblem}`);
      // Sent from the sliced flush: a cold start asks for every shard's documents at once.
      this.docsWanted.set(m.shard, m.hash);
      if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), 0);
    }
  }

  /** Full-text search across all shards; hits merged per paper by best score. Never throws for a bad query. */
  async search(query: string, limit: number): Promise<SearchResult> {
    let partial = this.status().building > 0;
    if (!query.trim()) return { hits: [], partial };
    if (!this.workers.length) return { hits: [], error: 'Full-text search is off: its worker threads stopped (the output channel says why).', partial };
    const answers = await Promise.all(this.workers.map((w) => w.request((id) => ({ type: 'search', id, query, limit }), (m, id): m is Results => m.type === 'results' && m.id === id)));
    const replies = answers.filter((r): r is Results => r !== undefined);
    // A worker that stopped meanwhile did not answer: its shards were not searched.
    if (replies.length < answers.length) partial = true;
    const error = replies.find((r) => r.error);
    if (error) return { hits: [], error: error.error, partial };
    const best = new Map<string, { paper: Paper; hit: WorkerHit }>();
    for (const r of replies) {
      for (const hit of r.hits) {
        const hashAt = hit.ref.lastIndexOf('#');
        const paper = this.library.paperOfSource(hit.ref.slice(0, hashAt), Number(hit.ref.slice(hashAt + 1)));
        if (!paper) continue;
        const prev = best.get(paper.key);
        if (!prev || hit.score > prev.hit.score) best.set(paper.key, { paper, hit });
      }
    }
    const hits = [...best.values()]
      .sort((a, b) => b.hit.score - a.hit.score || (a.paper.key < b.paper.key ? -1 : 1))
      .slice(0, limit)
      .map(({ paper, hit }) => ({ key: paper.key, title: paper.title, score: Math.round(hit.score * 1000) / 1000, paper, snippet: snippet(this.library.text(paper.abstract ?? paper.summary) ?? '', hit.terms) }));
    return { hits, partial, onePass: replies.every((r) => r.onePass) };
  }

  /** Write every built index that is not cached yet (the workers defer that while they are busy). */
  async persist(timeoutMs = 10000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); });
    const persisted = Promise.all(this.workers.map((w) => w.request((id) => ({ type: 'persist', id }), (m, id): m is WorkerReply => m.type === 'persisted' && m.id === id)));
    await Promise.race([persisted, late]);
    clearTimeout(timer);
  }

  async dispose(): Promise<void> {
    await this.persist();
    this.disposed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
