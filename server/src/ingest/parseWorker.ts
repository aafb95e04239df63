import { parentPort } from 'worker_threads';
import { collectGarbage, idleOwnThread, lowerOwnPriority, ownThreadId, WORKER_NICE } from '../runtime/workerThreads';
import { newProgress, PROGRESS_FILE, PROGRESS_THREAD } from './parseWatchdog';
import { decodeHit, FileToLoad, LoadedFile, loadOrDefer, UndecodedHit } from './loadFile';
import type { PaperSource } from '../parse/types';
import type { TitleInfo } from '../model/keys';
import { CacheCounts, cacheNames, noCounts, ParseCacheConfig, ParseCacheUse, unwrittenRecords, writeRecordOrSay } from './parseCache';
import { HandedOffRecords, UnsavedRecords } from './unsavedRecords';
import { logMemory } from '../runtime/memoryLog';
import { releaseReadBuffer, storeTexts, TextStoreLocation, TextWriter } from '../runtime/textStore';
import { splitBody } from './recordBody';

/**
 * The scan's reading and parsing, off the server thread, which only receives parsed entries.
 * Results go back a message per ~64 KB of source text, and at most WINDOW messages ahead of what
 * the server thread has taken: a port hands over everything queued at once, and a backlog of
 * large messages was one long pause for the thread that must answer keystrokes. A window much
 * smaller kept the workers waiting whenever that thread was busy, and the scan took longer.
 *
 * Files the parse cache did not have are encoded as they are parsed (holding parsed objects
 * instead slowed the scan by their garbage collection), kept in the text store meanwhile
 * (unsavedRecords.ts), and written to the cache only when the server says
 * (`finish`: once the full text is ready), at the lowest priority: writing as the scan went made a
 * cold scan much slower, and writing right after it delayed the cold full text.
 */
export type ParseWorkerRequest =
  /** `progress`: where this worker is, for the watchdog (parseWatchdog.ts). */
  /**
   * `texts`: the text store, and this worker's file in it, for the sources' long texts
   * (runtime/textStore.ts); `unsaved`, another file there, for the cache records until `finish`.
   */
  | { type: 'load'; files: FileToLoad[]; maxMB: number; cache?: ParseCacheConfig; progress: Int32Array; texts?: { location: TextStoreLocation; file: number; unsaved?: number } }
  | { type: 'taken' }
  | { type: 'finish' }
  /** Write records other workers handed off (see `ended`), then end: sent to a worker started for it. */
  | { type: 'save'; cache: ParseCacheConfig; location: TextStoreLocation; handed: HandedOffRecords[] }
  /** Writing the cache waits from `pause` until `resume` (while the server derives a topic tree: see WorkerFileLoader.pauseSaving). */
  | { type: 'pause' }
  | { type: 'resume' };
/**
 * `counts`: how this worker's files so far were loaded (with a cache), except the undecoded hits.
 * Those go to the server thread as the cache's text: decoding them here as well would only add
 * work (JSON parsing and shape checks here, then copying every object out of the message there).
 * With a text store, their long texts go to the store as they are and never to that thread, which
 * gets their JSON alone. A hit of over BIG_BODY is decoded here.
 */
export type ParseWorkerReply =
  /**
   * `ended`, with the last results: the worker is done and may be stopped. It holds nothing: what
   * missed the cache is in `unsaved` (in its store file), for a worker started when the server wants
   * it written. A worker that holds cache records only in memory does not end: it waits for `finish`.
   */
  | { results: (LoadedFile | UndecodedHit)[]; counts?: CacheCounts; ended?: { unsaved?: HandedOffRecords } }
  | { log: string }
  /** A 'save' stopped by a pause, its records left where they were handed off (to be written again whole). */
  | { stopped: true }
  /** The first sources of a large file, ahead of the file's result (which carries the rest): see PART_SOURCES. */
  | { part: { uri: string; sources: PaperSource[]; titles: TitleInfo[] } };

/**
 * A file with more sources than this (a 10,000-entry bibliography, a year of digests in one JSON)
 * goes to the server thread in messages of this many: a message is deserialized on that thread
 * in one piece, and a 10,000-source one held it for a long pause. Cached results of such files (text over
 * BIG_BODY) are decoded here for the same reason, rather than on the server thread.
 */
const PART_SOURCES = 500;
const BIG_BODY = 1024 * 1024;

const REPLY_TEXT_BYTES = 64 * 1024;
const WINDOW = 8;
/** Cache files written between two looks at the message queue while finishing. */
const WRITES_PER_TURN = 20;
/**
 * Source text a worker parses (cache misses) before it moves to the idle class (idleOwnThread): by
 * then the scan is a cold one, whose bulk should give the server thread its core at once (fewer
 * slow keystroke requests, at the price of a slightly later full text). A warm start, whose workers
 * mostly read cached results while the server thread waits for them, stays at nice 10: in the idle
 * class from the start, warm starts took longer.
 */
const PARSED_BYTES_BEFORE_IDLE = 1024 * 1024;

// Below the server thread, so a keystroke's request wins the core when both want it (at the same
// priority, two parse workers doubled the longest stall a probe saw), above the full-text workers (15),
// whose builds need the parsed files first.
lowerOwnPriority(WORKER_NICE.parse);
logMemory('parse');

let files: FileToLoad[] = [];
let maxMB = 0;
let progress = newProgress();
let cache: ParseCacheUse | undefined;
let unsaved = new UnsavedRecords(undefined, undefined, () => undefined);
const counts = noCounts();
/** Cache records rewritten at once, for a cached result that was damaged (decodeHit), the folder did not take. */
const unwrittenNow = unwrittenRecords((line) => parentPort!.postMessage({ log: line } satisfies ParseWorkerReply));
let next = 0;
let inFlight = 0;
/** A part is in flight: nothing else is sent until the server has taken it (see flush). */
let partInFlight = false;
let parsedBytes = 0;
let texts: TextWriter | undefined;
/** Between 'pause' and 'resume'; `resumeWriting`, the writing that stopped for it. */
let paused = false;
let resumeWriting: (() => void) | undefined;
/** Writing records another thread handed off ('save'): they wait in the text store whatever this thread does. */
let writingHandOff = false;

parentPort!.on('message', (m: ParseWorkerRequest) => {
  if (m.type === 'load') {
    ({ files, maxMB, progress } = m);
    Atomics.store(progress, PROGRESS_THREAD, ownThreadId());
    const config = m.cache;
    const log = (line: string) => parentPort!.postMessage({ log: line } satisfies ParseWorkerReply);
    // A worker is sent one load; were a second sent, the records it holds would stay where they are.
    if (!unsaved.size) unsaved = new UnsavedRecords(m.texts?.location, m.texts?.unsaved, log);
    cache = config && { config, present: cacheNames(config), save: (record) => unsaved.add(record) };
    texts?.close();
    texts = m.texts && new TextWriter(m.texts.location, m.texts.file, log);
  } else if (m.type === 'taken') {
    inFlight--;
    if (inFlight === 0) partInFlight = false;
  } else if (m.type === 'pause') {
    paused = true;
    return;
  } else if (m.type === 'resume') {
    paused = false;
    const go = resumeWriting;
    resumeWriting = undefined;
    return go?.();
  } else if (m.type === 'save') {
    cache = { config: m.cache, save: () => undefined };
    unsaved = UnsavedRecords.adopt(m.location, m.handed, (line) => parentPort!.postMessage({ log: line } satisfies ParseWorkerReply));
    writingHandOff = true;
    return finish();
  } else {
    return finish();
  }
  work();
});

/** Messages waiting for the window (a large file's parts can outnumber it). */
const outbox: ParseWorkerReply[] = [];

function post(message: ParseWorkerReply): void {
  texts?.flush(); // the texts this message refers to are written before it can be read
  outbox.push(message);
  flush();
}

/**
 * Sends what waits, as far as the window allows. A part goes alone: the server thread reads every
 * message waiting on the port in one go, and each part (PART_SOURCES sources) takes it a few
 * milliseconds to read, so a window of parts held it for tens of milliseconds at once.
 */
function flush(): void {
  while (outbox.length && inFlight < WINDOW && !partInFlight) {
    const message = outbox[0];
    const isPart = 'part' in message;
    if (isPart && inFlight > 0) return;
    parentPort!.postMessage(outbox.shift()!);
    inFlight++;
    partInFlight = isPart;
  }
}

function work(): void {
  flush();
  let results: (LoadedFile | UndecodedHit)[] = [];
  let text = 0;
  /** `last`: the scan's last results (not ones sent ahead of a large last file's parts). */
  const send = (last: boolean) => {
    post({ results, counts: cache && counts, ended: last ? endScan() : undefined });
    results = [];
    text = 0;
  };
  while (next < files.length && inFlight + outbox.length < WINDOW) {
    const file = files[next];
    Atomics.store(progress, PROGRESS_FILE, next++);
    let loaded = loadOrDefer(file, maxMB, cache, counts);
    const cachedHit = 'body' in loaded;
    if ('body' in loaded && loaded.body.length > BIG_BODY) loaded = decodeHit(loaded, file, maxMB, cache!.config, counts, !!texts, unwrittenNow);
    else if ('body' in loaded) loaded = deferred(loaded);
    Atomics.store(progress, PROGRESS_FILE, -1);
    if (!cachedHit) countParsed(loaded.textLength);
    if (texts && !('body' in loaded) && loaded.entry) storeTexts(loaded.entry.sources, texts);
    if (!('body' in loaded) && loaded.entry && loaded.entry.sources.length > PART_SOURCES) {
      if (results.length) send(false);
      for (const part of splitSources(loaded)) post({ part });
    }
    results.push(loaded);
    text += loaded.textLength;
    if (text >= REPLY_TEXT_BYTES || next === files.length) send(next === files.length);
  }
}

/**
 * A hit to send undecoded. A message copies a view's whole buffer (the file read, header and all),
 * so the body alone goes; with a text store, its long texts go to the store as they are, in one
 * piece, and its JSON alone to the server thread (recordBody.ts: splitBody).
 */
function deferred(hit: UndecodedHit): UndecodedHit {
  if (!texts) return { ...hit, body: new Uint8Array(hit.body) };
  const { json, tail } = splitBody(hit.body);
  const sent: UndecodedHit = { uri: hit.uri, body: new Uint8Array(json), textLength: hit.textLength, tail };
  texts.store(sent, 'tail'); // copies them into the store's buffer; a failed write puts the view back
  if (sent.tail instanceof Uint8Array) sent.tail = new Uint8Array(sent.tail); // too short to store
  return sent;
}

/**
 * With the scan's last results: closes this worker's files and hands off what it holds for the
 * cache, so that it can be stopped at once; undefined if it must stay for `finish`.
 */
function endScan(): { unsaved?: HandedOffRecords } | undefined {
  unwrittenNow.report();
  texts?.flush(); // as post() would: a failed write puts the texts back in these results
  texts?.close();
  texts = undefined;
  if (unsaved.size === 0) return {};
  const handed = unsaved.handOff();
  return handed && { unsaved: handed };
}

/**
 * The sources (and titles) of a large file but its last PART_SOURCES, in parts, taken out of
 * `loaded`, which keeps the rest: the server thread puts them back in order (fileLoader.ts).
 */
function splitSources(loaded: LoadedFile): { uri: string; sources: PaperSource[]; titles: TitleInfo[] }[] {
  const entry = loaded.entry!;
  const keep = entry.sources.length - PART_SOURCES;
  const parts = [];
  for (let i = 0; i < keep; i += PART_SOURCES) {
    const end = Math.min(i + PART_SOURCES, keep);
    parts.push({ uri: loaded.uri, sources: entry.sources.slice(i, end), titles: loaded.titles?.slice(i, end) ?? [] });
  }
  loaded.entry = { ...entry, sources: entry.sources.slice(keep) };
  if (loaded.titles) loaded.titles = loaded.titles.slice(keep);
  return parts;
}

function countParsed(bytes: number): void {
  const before = parsedBytes;
  parsedBytes += bytes;
  if (before < PARSED_BYTES_BEFORE_IDLE && parsedBytes >= PARSED_BYTES_BEFORE_IDLE) {
    void idleOwnThread().then((problem) => problem && parentPort!.postMessage({ log: `parse worker stays at nice ${WORKER_NICE.parse}: ${problem}` } satisfies ParseWorkerReply));
  }
}

/** Save what missed the cache, then end: the thread is no longer needed. */
function finish(): void {
  lowerOwnPriority(19);
  // Keep only what is still to be written. Not as soon as the scan's last results were sent: the
  // collection's helper threads then competed with the server thread finishing the scan.
  collectGarbage();
  const config = cache?.config;
  const unwritten = unwrittenRecords((line) => parentPort!.postMessage({ log: line } satisfies ParseWorkerReply));
  const done = () => {
    unwritten.report();
    unsaved.close();
    parentPort!.close();
  };
  const writeSome = () => {
    if (paused && writingHandOff) {
      // The records wait in the text store: this thread ends rather than wait with its memory, and
      // the server has a new one write them all once the pause is over (fileLoader.ts, pauseSaving).
      unwritten.report();
      unsaved.leave();
      parentPort!.postMessage({ stopped: true } satisfies ParseWorkerReply);
      parentPort!.close();
      return;
    }
    if (paused) {
      // What the writing so far left goes now, not after the pause: the point of it is memory.
      resumeWriting = writeSome;
      releaseReadBuffer();
      collectGarbage();
      return;
    }
    for (const record of unsaved.take(WRITES_PER_TURN)) writeRecordOrSay(config!, record, unwritten);
    if (unsaved.size) setImmediate(writeSome);
    else done();
  };
  if (config && unsaved.size) writeSome();
  else done();
}
