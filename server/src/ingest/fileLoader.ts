import { WorkerHost } from '../runtime/workerHost';
import { heapGrowthAtRest } from '../runtime/heapGrowth';
import type { TextStoreLocation } from '../runtime/textStore';
import { decodeHit, FileToLoad, LoadedFile, loadFileSync, notIndexed, UndecodedHit } from './loadFile';
import { newProgress, ParseWatchdog } from './parseWatchdog';
import { CacheCounts, noCounts, ParseCacheConfig, ParseCacheUse, pruneCache, unwrittenRecords, writingAtOnce } from './parseCache';
import type { ParseWorkerReply, ParseWorkerRequest } from './parseWorker';
import type { HandedOffRecords } from './unsavedRecords';

/** How long after a scan that went through every file the parse cache is pruned. */
const PRUNE_AFTER_MS = 2000;

/** Reads and parses the scan's files, yielding each once, in any order. */
export interface FileLoader {
  load(files: FileToLoad[], maxMB: number): AsyncIterable<LoadedFile> | Iterable<LoadedFile>;
  /** A scan is about to list its files: a loader with threads starts them meanwhile. */
  prepare?(): void;
}

/** On the calling thread, one file per step (the caller yields between its slices). */
export const inThreadLoader: FileLoader = {
  load: (files, maxMB) => loadInThread(files, maxMB),
};

function* loadInThread(files: FileToLoad[], maxMB: number, cache?: ParseCacheUse, counts?: CacheCounts): Generator<LoadedFile> {
  for (const f of files) yield loadFileSync(f, maxMB, cache, counts);
}

type SourcesPart = Extract<ParseWorkerReply, { part: unknown }>['part'];

type ParseWorker = WorkerHost<ParseWorkerRequest, ParseWorkerReply>;

interface Helper {
  worker: ParseWorker;
  files: FileToLoad[];
  received: number;
  counts?: CacheCounts;
  failure?: string;
  watchdog: ParseWatchdog;
  overBudget?: number;
  /** Sent with its last results: it may be stopped, and hands off these cache records. */
  ended?: { unsaved?: HandedOffRecords };
}

/**
 * CPU time a parse worker may spend on one file before it is stopped, that file left out with an
 * error on it, and the files after it given to a new worker. Parsing is linear and a fraction of a
 * second per MB, so only a file that finds a way to be pathological comes near this.
 */
export const PARSE_BUDGET_MS = 20_000;
/** How often the watchdog looks (more often for the short budgets of tests). */
const watchEvery = (budgetMs: number) => Math.min(250, budgetMs / 4);

/** What a scan's ended workers handed off for the parse cache: records waiting in the text store. */
interface HandedOff { cache: ParseCacheConfig; location: TextStoreLocation; handed: HandedOffRecords[] }

/**
 * A pause of the cache's writing (pauseSaving) ends by itself after this long: a topic tree that
 * never comes (a topics worker stuck) must not leave the cache unwritten. A tree takes seconds.
 */
const SAVING_PAUSE_LIMIT_MS = 60_000;

/**
 * A scan that has parsed this many files (rather than found them in the parse cache) is a first
 * start or close to one: its heaps grow at the steady factor from then on. A few files edited since
 * the last start are parsed without ending a warm start's faster growth.
 */
const FILES_PARSED_BEFORE_STEADY_GROWTH = 100;

/**
 * In worker threads started for one scan. Each is stopped once the scan has all its results,
 * returning its heap. What missed a parse cache waits in the text store meanwhile, and saveCache()
 * (once the full text and a first topic tree are ready) starts one worker to write it; a worker
 * whose records could not go to the store keeps them until then, writes them and ends. The server thread
 * then only receives parsed entries (a fraction of what reading and parsing cost), and decodes
 * cached results the workers found unchanged (see UndecodedHit). If a
 * worker cannot start or dies, the files it did not return are loaded on the calling thread,
 * with a log line.
 */
export class WorkerFileLoader implements FileLoader {
  private cache?: ParseCacheConfig;

  constructor(
    private readonly workerPath: string,
    private readonly workers: number,
    private readonly log: (line: string) => void,
    private readonly budgetMs = PARSE_BUDGET_MS,
    private readonly pauseLimitMs = SAVING_PAUSE_LIMIT_MS,
  ) {}

  /** Started by prepare() for the next load (a worker takes ~70 ms to start: about as long as the walk at M). */
  private started: ParseWorker[] = [];

  prepare(): void {
    while (this.started.length < this.workers) {
      try {
        this.started.push(new WorkerHost(this.workerPath, 'parse')); // until load() needs it, it does not keep the process alive
      } catch {
        return; // load() tries again, and says why
      }
    }
  }

  /** Workers done with a scan that hold what missed the cache in memory, until saveCache(). */
  private unsaved: ParseWorker[] = [];

  /**
   * Write what the last scan missed in the cache, in the background. The server calls this once
   * the full text is ready and no topic tree is being derived (session.ts), so that a cold start's
   * writing competes with neither.
   */
  saveCache(): void {
    for (const w of this.unsaved.splice(0)) this.untilEnded(w).post({ type: 'finish' });
    const pending = this.handedOff;
    this.handedOff = undefined;
    if (pending) this.write(pending);
  }

  /** Starts a worker to write a hand-off (after the pause, if saving is paused). */
  private write(pending: HandedOff): void {
    if (this.paused) { this.writeAfterPause.push(pending); return; }
    let writer: ParseWorker;
    try {
      writer = new WorkerHost(this.workerPath, 'parse');
    } catch (err) {
      const count = pending.handed.reduce((n, h) => n + h.records.length, 0);
      this.log(`parse cache: ${count} results were not saved (no worker could start to write them: ${(err as Error).message}); their files are parsed again at the next start`);
      return;
    }
    writer.listen({
      onMessage: (m) => {
        if ('log' in m) this.log(m.log);
        // Stopped by a pause: written again, whole, by a new worker once it is over (at once if it is already).
        else if ('stopped' in m) this.write(pending);
      },
    });
    this.untilEnded(writer).post({ type: 'save', ...pending });
  }

  /** Counts the worker among those saving until it ends (paused at once if saving is). */
  private untilEnded(w: ParseWorker): ParseWorker {
    this.saving.set(w, w.whenEnded().then(() => { this.saving.delete(w); }));
    if (this.paused) w.post({ type: 'pause' });
    return w;
  }

  /** Whether the workers writing the cache are told to wait, and until when at the latest. */
  private paused = false;
  private pauseTimer: NodeJS.Timeout | undefined;
  /** Hand-offs to write once the pause is over (their writers stopped for it, or not started during it). */
  private readonly writeAfterPause: HandedOff[] = [];

  /**
   * Has the cache's writing wait (`paused`), or go on. The server pauses it while it derives a topic
   * tree: a writer that started before the request came (the full text ready a while before) took
   * a core and added its memory to the process's peak, beside the topics worker and its helper.
   * A worker writing a hand-off stops instead (and ends): paused, it kept its isolate, heap and
   * buffers through the whole computation. What it writes waits in the text store, so a new worker
   * writes it all again after the pause, losing only the writing done so far (docs/performance.md,
   * "The scan"). A worker that holds its own records (it could not hand them off) is paused.
   */
  pauseSaving(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = paused ? setTimeout(() => this.pauseSaving(false), this.pauseLimitMs).unref() : undefined;
    for (const w of this.saving.keys()) w.post({ type: paused ? 'pause' : 'resume' });
    if (!paused) for (const pending of this.writeAfterPause.splice(0)) this.write(pending);
  }

  /**
   * What the last scan's ended workers handed off for the cache, until saveCache() starts one worker
   * to write it all (load() calls saveCache() first, so this is never more than one scan's).
   */
  private handedOff?: HandedOff;

  /** Each worker told to save, and a promise settled when it ends. */
  private readonly saving = new Map<ParseWorker, Promise<void>>();

  /**
   * On shutdown: save now whatever is still unsaved, and wait (at most `ms`) for the writing to end,
   * so that stopping the editor right after a cold start does not cost the next start its cache.
   */
  async saveCacheBeforeExit(ms: number): Promise<void> {
    this.pauseSaving(false);
    this.saveCache();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.saving.values()), new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
    clearTimeout(timer);
  }

  private texts?: TextStoreLocation;
  private retireTexts?: (files: number[]) => void;
  /** Each worker started writes a file of its own in the text store. */
  private nextTextFile = 1;
  /** The text store files each scan's workers wrote, by scan, and the last scan that went through every file. */
  private readonly textFilesOfScan = new Map<number, number[]>();
  private scans = 0;
  private lastCompleteScan = -1;

  /**
   * Keep the long texts of what the workers load in this text store (runtime/textStore.ts) rather
   * than in memory. `retire`: files no paper can refer to any more (see retireOldTexts).
   */
  useTextStore(location: TextStoreLocation | undefined, retire?: (files: number[]) => void): void {
    this.texts = location;
    this.retireTexts = retire;
  }

  /**
   * A scan that went through every file replaced every entry an earlier scan made. So once a second
   * such scan ends, the texts of the scans before the first are no longer referred to (a rescan would
   * otherwise add the library's texts to the store again each time, until the server exits).
   */
  private retireOldTexts(scan: number): void {
    const retired: number[] = [];
    for (const [s, files] of this.textFilesOfScan) {
      if (s >= this.lastCompleteScan) continue;
      retired.push(...files);
      this.textFilesOfScan.delete(s);
    }
    this.lastCompleteScan = scan;
    if (retired.length) this.retireTexts?.(retired);
  }

  /** Read back unchanged files' parse results from (and save new ones to) this cache; undefined: parse everything. */
  useCache(cache: ParseCacheConfig | undefined): void {
    this.cache = cache;
  }

  async *load(files: FileToLoad[], maxMB: number): AsyncGenerator<LoadedFile> {
    this.saveCache(); // a previous scan's results, before this one's
    const cache = this.cache;
    const started = Date.now();
    const helpers: Helper[] = [];
    const countsOnThread = noCounts(); // files a worker could not load, and cached results decoded here
    const unwrittenHere = unwrittenRecords(this.log);
    const scan = this.scans++;
    const textFiles: number[] = [];
    this.textFilesOfScan.set(scan, textFiles);
    const finished = () => {
      unwrittenHere.report();
      this.retireOldTexts(scan);
      // Only a scan that went through every file knows which cached results are no longer wanted.
      if (!cache) return;
      const total = noCounts();
      for (const c of [countsOnThread, ...helpers.map((h) => h.counts ?? noCounts())]) for (const k of Object.keys(total) as (keyof CacheCounts)[]) total[k] += c[k];
      this.log(`parse cache: ${total.unchanged} files unchanged since cached (not read), ${total.sameText} with unchanged text (read and hashed), ${total.parsed} parsed`);
      // Later: it hashes every file's uri on this thread, and the papers and the full text come first.
      setTimeout(() => pruneCache(cache.dir, files.map((f) => f.uri), started).then(
        (removed) => removed && this.log(`parse cache: removed ${removed} results for files no longer in the workspace`),
        (err) => this.log(`parse cache could not be pruned: ${(err as Error).message}`),
      ), PRUNE_AFTER_MS).unref();
    };
    const spare = () => { for (const s of this.started.splice(0)) void s.terminate(); };
    // A scan that parses files (a first start, a checkout) makes garbage in every thread: the heaps
    // go back to the steady growing factor once it is clear this one does (runtime/heapGrowth.ts).
    let parsing = false;
    const noteParsing = () => {
      if (parsing) return;
      let parsed = countsOnThread.parsed;
      for (const h of helpers) parsed += cache ? h.counts?.parsed ?? 0 : h.received;
      if (parsed < FILES_PARSED_BEFORE_STEADY_GROWTH) return;
      parsing = true;
      heapGrowthAtRest();
    };
    if (files.length === 0) { spare(); return finished(); } // an empty workspace needs no worker
    const arrived: ({ results: (LoadedFile | UndecodedHit)[]; from: Helper } | { part: SourcesPart; from: Helper })[] = [];
    /** The sources of large files that came ahead of their results, by uri (see parseWorker's PART_SOURCES). */
    const parts = new Map<string, SourcesPart[]>();
    const whole = (loaded: LoadedFile): LoadedFile => {
      const ahead = parts.get(loaded.uri);
      if (!ahead || !loaded.entry) return loaded;
      parts.delete(loaded.uri);
      const entry = { ...loaded.entry, sources: [...ahead.flatMap((p) => p.sources), ...loaded.entry.sources] };
      return { ...loaded, entry, titles: loaded.titles && [...ahead.flatMap((p) => p.titles), ...loaded.titles] };
    };
    // Only a cache gives undecoded hits, and only one that fails its checks needs its file (looked up by uri).
    const decode = (r: LoadedFile | UndecodedHit, from: Helper): LoadedFile =>
      'body' in r ? decodeHit(r, () => from.files.find((f) => f.uri === r.uri)!, maxMB, cache!, countsOnThread, false, unwrittenHere) : r;
    let wake: (() => void) | undefined;
    let complete = false;
    /** Starts a worker on `share`; undefined if none can start (then the caller loads it here). */
    const startHelper = (share: FileToLoad[], early?: ParseWorker): Helper | undefined => {
      let worker: ParseWorker;
      try {
        worker = early ?? new WorkerHost(this.workerPath, 'parse');
      } catch (err) {
        this.log(`parse worker could not start (${(err as Error).message}); reading files on the server thread`);
        return undefined;
      }
      const progress = newProgress();
      const helper: Helper = { worker, files: share, received: 0, failure: worker.stopped, watchdog: new ParseWatchdog(progress, this.budgetMs) };
      worker.needed(true);
      const onMessage = (m: ParseWorkerReply) => {
        if ('log' in m) return this.log(m.log);
        if ('stopped' in m) return; // a scan's worker writes no hand-off (that is saveCache's)
        if (helper.overBudget !== undefined) return; // being stopped: what it has not been counted for goes to a new worker
        if ('part' in m) {
          arrived.push({ part: m.part, from: helper });
        } else {
          helper.received += m.results.length;
          helper.counts = m.counts ?? helper.counts;
          helper.ended = m.ended;
          arrived.push({ results: m.results, from: helper });
          noteParsing();
        }
        wake?.();
      };
      worker.listen({ onMessage, onStop: (why) => { helper.failure ??= why; wake?.(); } });
      // The cache records the worker holds until saveCache() wait in a store file of their own, which it removes.
      const texts = this.texts && { location: this.texts, file: this.nextTextFile++, unsaved: cache ? this.nextTextFile++ : undefined };
      if (texts) textFiles.push(texts.file);
      worker.post({ type: 'load', files: share, maxMB, cache, progress, texts });
      helpers.push(helper);
      return helper;
    };
    const count = Math.max(1, Math.min(this.workers, Math.ceil(files.length / 50)));
    const onThread: FileToLoad[][] = [];
    for (let k = 0; k < count; k++) {
      // Posting a large workspace's file list is a pause of its own: one per turn, not all in one.
      if (k > 0) await new Promise((resolve) => setImmediate(resolve));
      // Every count-th file: each worker gets its share of the large digests and the small notes.
      const share = files.filter((_, i) => i % count === k);
      if (!startHelper(share, this.started.shift())) onThread.push(share);
    }
    spare();
    const watch = setInterval(() => {
      for (const h of helpers) {
        if (h.failure !== undefined || h.received === h.files.length) continue;
        const stuck = h.watchdog.check();
        if (stuck === undefined) continue;
        h.overBudget = stuck;
        h.failure = `spent over ${this.budgetMs / 1000} s on one file`;
        void h.worker.terminate();
        wake?.();
      }
    }, watchEvery(this.budgetMs)).unref();
    try {
      for (const share of onThread) yield* loadInThread(share, maxMB, cache && writingAtOnce(cache, unwrittenHere), countsOnThread);
      for (;;) {
        const batch = arrived.shift();
        if (batch) {
          batch.from.worker.post({ type: 'taken' });
          if ('part' in batch) {
            const ahead = parts.get(batch.part.uri);
            if (ahead) ahead.push(batch.part); else parts.set(batch.part.uri, [batch.part]);
            continue;
          }
          for (const r of batch.results) yield whole(decode(r, batch.from));
          continue;
        }
        const failed = helpers.find((h) => h.failure !== undefined && h.received < h.files.length);
        if (failed) {
          const rest = failed.files.slice(failed.received);
          failed.received = failed.files.length;
          for (const f of rest) parts.delete(f.uri); // loaded again from the start
          if (failed.overBudget !== undefined) {
            // Leave out the file it was stuck on; a new worker takes the rest.
            const slow = failed.files[failed.overBudget];
            yield notIndexed(slow, 0, `${slow.rel}: not indexed: parsing it took longer than ${this.budgetMs / 1000} s, so it was stopped (the rest of the scan went on)`);
            const others = rest.filter((f) => f !== slow);
            if (others.length && !startHelper(others)) yield* loadInThread(others, maxMB, cache && writingAtOnce(cache, unwrittenHere), countsOnThread);
            continue;
          }
          this.log(`parse worker failed (${failed.failure}); reading its other ${rest.length} files on the server thread`);
          yield* loadInThread(rest, maxMB, cache && writingAtOnce(cache, unwrittenHere), countsOnThread);
          continue;
        }
        if (helpers.every((h) => h.received === h.files.length)) {
          // A worker that handed off what missed the cache is stopped; one that could not saves it when saveCache() runs, and ends.
          const handed: HandedOffRecords[] = [];
          for (const h of helpers) {
            if (h.failure !== undefined) continue;
            h.worker.needed(false);
            if (!h.ended) { this.unsaved.push(h.worker); continue; }
            // Its results are all here and its records in the store: its heap goes now, not when
            // the full text is ready, where a first start's memory peaks (docs/performance.md).
            void h.worker.terminate();
            if (h.ended.unsaved) handed.push(h.ended.unsaved);
          }
          if (handed.length && cache && this.texts) this.handedOff = { cache, location: this.texts, handed };
          complete = true;
          return finished();
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      clearInterval(watch);
      if (!complete) for (const h of helpers) void h.worker.terminate();
    }
  }
}
