import type { TopicPaper, UnreadTopicPaper } from './topics';
import type { StoredRead } from '../runtime/textStore';
import type { Slice } from '../runtime/scheduler';
import { HASH53_A, HASH53_B, joined53, stepA, stepB } from './hash53';

/**
 * Papers for the topics worker as one transferable byte buffer: every title and abstract as UTF-8,
 * back to back, with their bounds, plus the small fields as one JSON string. Posting the papers as
 * objects held the server thread for the structured clone of all their text in one pause;
 * this is built a slice at a time, and the buffers move to the worker without a copy.
 */
export interface TopicBatch {
  /** [key, topics, topicKind] per paper, as JSON. */
  meta: string;
  text: Uint8Array;
  /** Per paper: title start, title end (= abstract start), abstract end, in `text`. */
  bounds: Uint32Array;
  /**
   * Per paper: the store file, offset and length of an abstract kept in the text store (length 0:
   * none). Its bytes belong between the paper's title and the rest of its text (a digest's
   * keywords), and `text` has no room for them: the worker reads them a window of papers at a time
   * (inlineWindow). Reading a library's abstracts on the server thread was seconds of its time at
   * L, and a batch with all of them was ~190 MB at L on each side of the transfer.
   */
  stored?: Float64Array;
}

/**
 * Moves the batch's arrays into shared memory (a copy, once), so that a thread it is posted to
 * afterwards (the placing helper) reads these very bytes instead of a copy of its own.
 */
export function shareBatch(batch: TopicBatch): void {
  batch.text = sharedCopy(batch.text, Uint8Array);
  batch.bounds = sharedCopy(batch.bounds, Uint32Array);
  if (batch.stored) batch.stored = sharedCopy(batch.stored, Float64Array);
}

function sharedCopy<A extends Uint8Array | Uint32Array | Float64Array>(from: A, kind: { new (buffer: SharedArrayBuffer): A }): A {
  const copy = new kind(new SharedArrayBuffer(from.byteLength));
  copy.set(from);
  return copy;
}

/** What follows an abstract for a digest's keywords (topics.ts: withKeywords). */
export function keywordsAfterAbstract(keywords: readonly string[] | undefined): string {
  return keywords?.length ? `\n${keywords.join('.\n')}.` : '';
}

/** Metadata of this many papers is joined into one piece as it is encoded (see encodeTopicPapers). */
const META_PIECE = 1024;

/**
 * Encoded on the server thread, giving way to requests whenever `slice` is spent. An abstract in the
 * text store is left for the worker to read (`stored`), never read here. `as` gives each of
 * `items` as a topic paper when asked (session.ts passes the library's papers and topicPaper): a
 * list of them all first held ~10 MB of the server thread's heap at L for the whole encoding. For
 * the same reason each thousand papers' metadata (META_PIECE) is joined as it is made.
 */
export async function encodeTopicPapers<T>(items: readonly T[], slice: Slice, as: (item: T) => TopicPaper | UnreadTopicPaper = (item) => item as TopicPaper): Promise<TopicBatch> {
  const encoder = new TextEncoder();
  const bounds = new Uint32Array(items.length * 3);
  let stored: Float64Array | undefined;
  // Sized for ASCII (one byte per character); other text grows it.
  let size = 0;
  for (let i = 0; i < items.length; i++) {
    const p = as(items[i]);
    size += p.title.length + (typeof p.abstract === 'string' ? p.abstract.length : 0);
    if (i % 1024 === 1023 && slice.spent()) await slice.giveWay();
  }
  let text = new Uint8Array(size + 1024);
  let used = 0;
  const meta: string[] = [];
  const room = (bytes: number) => {
    if (used + bytes <= text.length) return;
    const bigger = new Uint8Array(Math.max(text.length * 2, used + bytes));
    bigger.set(text.subarray(0, used));
    text = bigger;
  };
  const put = (s: string) => {
    const { read, written } = encoder.encodeInto(s, text.subarray(used));
    if (read === s.length) { used += written; return; }
    // It did not fit: UTF-8 takes at most 3 bytes per UTF-16 unit, so make room for that and write it again.
    room(s.length * 3);
    used += encoder.encodeInto(s, text.subarray(used)).written;
  };
  const pieces: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const p = as(items[i]);
    bounds[3 * i] = used;
    put(p.title);
    bounds[3 * i + 1] = used;
    if (typeof p.abstract === 'string') put(p.abstract);
    else (stored ??= new Float64Array(items.length * 3)).set([p.abstract.file, p.abstract.at, p.abstract.bytes], 3 * i); // left for the worker
    if ('keywords' in p) put(keywordsAfterAbstract(p.keywords));
    bounds[3 * i + 2] = used;
    meta.push(JSON.stringify([p.key, p.topics, p.topicKind]));
    if (meta.length === META_PIECE) pieces.push(meta.splice(0).join(','));
    if (i % 64 === 63 && slice.spent()) await slice.giveWay();
  }
  if (meta.length) pieces.push(meta.join(','));
  // The whole buffer is transferred, not copied, so its unused end costs nothing to send.
  return { meta: `[${pieces.join(',')}]`, text: text.subarray(0, used), bounds, stored };
}

/**
 * The batch's papers at `indexes` (in that order) as a batch of their own (`meta` left out), every
 * stored abstract read into its place (by `readInto`, in the worker) between the title and the rest.
 * Its text is written into `reuse` when that is large enough (every byte of it is written).
 */
export function inlineWindow(batch: TopicBatch, indexes: readonly number[], readInto: (wanted: StoredRead[]) => void, reuse?: Uint8Array): TopicBatch {
  const { stored, bounds: all } = batch;
  const size = windowBytes(batch, indexes);
  const text = reuse && reuse.length >= size ? reuse.subarray(0, size) : new Uint8Array(size);
  const from = batch.text;
  const bounds = new Uint32Array(indexes.length * 3);
  const wanted: StoredRead[] = [];
  let at = 0;
  for (let k = 0; k < indexes.length; k++) {
    const i = indexes[k];
    const start = all[3 * i], titleEnd = all[3 * i + 1], end = all[3 * i + 2];
    bounds[3 * k] = at;
    for (let j = start; j < titleEnd; j++) text[at++] = from[j];
    bounds[3 * k + 1] = at;
    const bytes = stored ? stored[3 * i + 2] : 0;
    if (bytes > 0) {
      wanted.push({ ref: { file: stored![3 * i], at: stored![3 * i + 1], bytes }, into: text, offset: at });
      at += bytes;
    }
    for (let j = titleEnd; j < end; j++) text[at++] = from[j];
    bounds[3 * k + 2] = at;
  }
  readInto(wanted);
  return { meta: '', text, bounds };
}

/** The bytes of text paper `i` of the batch has, its stored abstract included. */
function paperBytes(batch: TopicBatch, i: number): number {
  return batch.bounds[3 * i + 2] - batch.bounds[3 * i] + (batch.stored ? batch.stored[3 * i + 2] : 0);
}

function windowBytes(batch: TopicBatch, indexes: readonly number[]): number {
  let size = 0;
  for (const i of indexes) size += paperBytes(batch, i);
  return size;
}

/** The whole batch with its stored abstracts read into their places (what a vocabulary, which reads every text, needs). */
export function withStoredAbstracts(batch: TopicBatch, readInto: (wanted: StoredRead[]) => void): TopicBatch {
  if (!batch.stored) return batch;
  const { text, bounds } = inlineWindow(batch, Array.from({ length: batch.bounds.length / 3 }, (_, i) => i), readInto);
  return { meta: batch.meta, text, bounds };
}

/**
 * Text read in per window by visitInWindows: a megabyte, a small part of a large library's abstracts.
 * The window's buffer and the reads into it are held by the topics worker and by its helper each,
 * at the process's peak: larger windows held more for no time saved (docs/performance.md, "Topics").
 */
const WINDOW_BYTES = 1024 * 1024;

/**
 * The batch's papers in windows of about `bytes` of text each once their stored abstracts are in
 * (at least one paper), in the order the abstracts lie in the text store (papers without one
 * first), so that a window's abstracts are a few long reads: in the batch's order they lie all
 * over the store, a read each.
 */
export function windowsOf(batch: TopicBatch, bytes = WINDOW_BYTES, indexes?: readonly number[]): number[][] {
  const { stored, bounds } = batch;
  const order = indexes ? [...indexes] : Array.from({ length: bounds.length / 3 }, (_, i) => i);
  if (stored) {
    const place = (i: number) => (stored[3 * i + 2] > 0 ? stored[3 * i] * 2 ** 40 + stored[3 * i + 1] : -1);
    order.sort((a, b) => place(a) - place(b) || a - b);
  }
  const windows: number[][] = [];
  let window: number[] = [];
  let size = 0;
  for (const i of order) {
    window.push(i);
    size += paperBytes(batch, i);
    if (size >= bytes) {
      windows.push(window);
      window = [];
      size = 0;
    }
  }
  if (window.length) windows.push(window);
  return windows;
}

/**
 * Gives `visit` each paper (or each that `only` picks) with its whole text (stored abstract read
 * in), a window of papers at a time (windowsOf), and lets the paper's text go after: only a
 * window's text is in memory at once. Papers left out are not read at all.
 */
export function visitInWindows(batch: TopicBatch, papers: BatchPaper[], readInto: (wanted: StoredRead[]) => void, visit: (paper: BatchPaper) => void, only?: (paper: BatchPaper) => boolean): void {
  let picked: number[] | undefined;
  if (only) {
    picked = [];
    for (let i = 0; i < papers.length; i++) if (only(papers[i])) picked.push(i);
  }
  visitWindows(batch, papers, readInto, windowsOf(batch, WINDOW_BYTES, picked), visit);
}

/** visitInWindows over windows already made (windowsOf), taken one at a time from `windows`. */
export function visitWindows(batch: TopicBatch, papers: BatchPaper[], readInto: (wanted: StoredRead[]) => void, windows: Iterable<number[]>, visit: (paper: BatchPaper) => void): void {
  // One buffer for every window (each paper lets go of it before the next window is read in): a
  // new one per window made the worker collect its heap again and again.
  let buffer = new Uint8Array(0);
  for (const indexes of windows) {
    const size = windowBytes(batch, indexes);
    if (size > buffer.length) buffer = new Uint8Array(Math.max(size, WINDOW_BYTES * 1.25));
    const window = inlineWindow(batch, indexes, readInto, buffer);
    indexes.forEach((i, k) => {
      papers[i].readFrom(window, k);
      visit(papers[i]);
      papers[i].release();
    });
  }
}

/**
 * What the batch says of paper `i` without its stored abstract being read: a hash of the bytes it
 * carries (title, an abstract kept in memory, keywords), where the title ends, and the place of its
 * stored abstract, as a number (53 bits, which a double holds exactly: the topics worker keeps one
 * for every paper of a large library, see treeMemo.ts). Two papers with the same stamp in one server
 * process have the same text (but for a chance in 2^53), as the text store never writes over a
 * text it holds; the topics worker uses this to know a paper again without reading its abstract.
 */
export function stampOf(batch: TopicBatch, i: number): number {
  const { text, bounds, stored } = batch;
  const start = bounds[3 * i], titleEnd = bounds[3 * i + 1], end = bounds[3 * i + 2];
  let a = HASH53_A, b = HASH53_B;
  for (let j = start; j < end; j++) {
    a = stepA(a, text[j]);
    b = stepB(b, text[j]);
  }
  const has = stored !== undefined && stored[3 * i + 2] > 0;
  // The lengths and the stored abstract's place (-1: none), as 32-bit halves: a store file's
  // offset may pass 2^32.
  for (let k = 0; k < 5; k++) {
    const n = k === 0 ? end - start : k === 1 ? titleEnd - start : has ? stored[3 * i + k - 2] : -1;
    const low = n >>> 0, high = Math.floor(n / 2 ** 32) >>> 0;
    a = stepA(stepA(a, low), high);
    b = stepB(stepB(b, low), high);
  }
  return joined53(a, b);
}

/**
 * The papers again, on the worker's side, read in place: a title or abstract becomes a string
 * only when something asks for it (the vocabulary does; tokens are read from the bytes, see
 * PhraseCache). Decoding them all made strings of all the text that the token cache then kept.
 */
export function batchPapers(batch: TopicBatch): BatchPaper[] {
  const meta = JSON.parse(batch.meta) as [string, string[], TopicPaper['topicKind']][];
  // Most papers have no topics: they share one empty list, not one each (nothing writes into it).
  return meta.map(([key, topics, topicKind], i) => new BatchPaper(key, topics.length ? topics : NO_TOPICS, topicKind, batch, i));
}

const NO_TOPICS = Object.freeze([]) as unknown as string[];

const decoder = new TextDecoder();
const RELEASED: TopicBatch = { meta: '[]', text: new Uint8Array(0), bounds: new Uint32Array(0) };

export class BatchPaper implements TopicPaper {
  /** Set by the token cache (a SHA-256 of the paper's bytes): once known, the paper is known without its bytes. */
  digest?: string;

  /** Its index in the batch it came in (while `index` follows it into a window). */
  readonly at: number;

  constructor(readonly key: string, readonly topics: string[], readonly topicKind: TopicPaper['topicKind'], private batch: TopicBatch, private index: number) {
    this.at = index;
  }

  /** Reads the paper from now on at `index` in `batch` (a window of the batch it came in: visitInWindows). */
  readFrom(batch: TopicBatch, index: number): void {
    this.batch = batch;
    this.index = index;
  }

  /**
   * Lets go of the batch, so that it can be collected while the topics are derived. Afterwards
   * the paper has no text (title and abstract are empty): only for papers whose tokens are cached
   * under their digest, and when no vocabulary needs the text.
   */
  release(): void {
    this.batch = RELEASED;
  }

  /** A lone surrogate comes back as U+FFFD, which topics treat alike. */
  get title(): string { return decoder.decode(this.batch.text.subarray(this.start, this.titleEnd)); }
  get abstract(): string { return decoder.decode(this.batch.text.subarray(this.titleEnd, this.end)); }

  /** The UTF-8 text and where this paper's title (start to titleEnd) and abstract (titleEnd to end) are in it. */
  get text(): Uint8Array { return this.batch.text; }
  get start(): number { return this.batch.bounds[3 * this.index] ?? 0; }
  get titleEnd(): number { return this.batch.bounds[3 * this.index + 1] ?? 0; }
  get end(): number { return this.batch.bounds[3 * this.index + 2] ?? 0; }
}
