import type { TopicPaper, UnreadTopicPaper } from './topics';
import type { StoredRead } from '../runtime/textStore';
import type { Slice } from '../runtime/scheduler';

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
   * none), whose bytes belong at the start of the paper's abstract, where `text` has room for them.
   * The worker reads them (withStoredAbstracts): the server thread reading a library's abstracts
   * one by one was seconds of its time at L.
   */
  stored?: Float64Array;
}

/** What follows an abstract for a digest's keywords (topics.ts: withKeywords). */
export function keywordsAfterAbstract(keywords: readonly string[] | undefined): string {
  return keywords?.length ? `\n${keywords.join('.\n')}.` : '';
}

/**
 * Encoded on the server thread, giving way to requests whenever `slice` is spent. An abstract in the
 * text store gets its room but is left for the worker to read (`stored`), never read here.
 */
export async function encodeTopicPapers(papers: readonly (TopicPaper | UnreadTopicPaper)[], slice: Slice): Promise<TopicBatch> {
  const encoder = new TextEncoder();
  const bounds = new Uint32Array(papers.length * 3);
  let stored: Float64Array | undefined;
  // Sized for ASCII (one byte per character); other text grows it.
  let size = 0;
  for (const p of papers) size += p.title.length + (typeof p.abstract === 'string' ? p.abstract.length : p.abstract.bytes);
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
  for (let i = 0; i < papers.length; i++) {
    const p = papers[i];
    bounds[3 * i] = used;
    put(p.title);
    bounds[3 * i + 1] = used;
    if (typeof p.abstract === 'string') put(p.abstract);
    else {
      (stored ??= new Float64Array(papers.length * 3)).set([p.abstract.file, p.abstract.at, p.abstract.bytes], 3 * i);
      room(p.abstract.bytes);
      used += p.abstract.bytes; // left for the worker
    }
    if ('keywords' in p) put(keywordsAfterAbstract(p.keywords));
    bounds[3 * i + 2] = used;
    meta.push(JSON.stringify([p.key, p.topics, p.topicKind]));
    if (i % 64 === 63 && slice.spent()) await slice.giveWay();
  }
  // The whole buffer is transferred, not copied, so its unused end costs nothing to send.
  return { meta: `[${meta.join(',')}]`, text: text.subarray(0, used), bounds, stored };
}

/**
 * The batch with its stored abstracts read into their places (by `readInto`, in the worker), at
 * the start of each paper's abstract.
 */
export function withStoredAbstracts(batch: TopicBatch, readInto: (wanted: StoredRead[]) => void): TopicBatch {
  const stored = batch.stored;
  if (!stored) return batch;
  const wanted: StoredRead[] = [];
  for (let i = 0; i < stored.length; i += 3) {
    if (stored[i + 2] > 0) wanted.push({ ref: { file: stored[i], at: stored[i + 1], bytes: stored[i + 2] }, into: batch.text, offset: batch.bounds[i + 1] });
  }
  readInto(wanted);
  return { meta: batch.meta, text: batch.text, bounds: batch.bounds };
}

/**
 * The papers again, on the worker's side, read in place: a title or abstract becomes a string
 * only when something asks for it (the vocabulary does; tokens are read from the bytes, see
 * PhraseCache). Decoding them all made strings of all the text that the token cache then kept.
 */
export function batchPapers(batch: TopicBatch): BatchPaper[] {
  const meta = JSON.parse(batch.meta) as [string, string[], TopicPaper['topicKind']][];
  return meta.map(([key, topics, topicKind], i) => new BatchPaper(key, topics, topicKind, batch, i));
}

const decoder = new TextDecoder();
const RELEASED: TopicBatch = { meta: '[]', text: new Uint8Array(0), bounds: new Uint32Array(0) };

export class BatchPaper implements TopicPaper {
  /** Set by the token cache (a SHA-256 of the paper's bytes): once known, the paper is known without its bytes. */
  digest?: string;

  constructor(readonly key: string, readonly topics: string[], readonly topicKind: TopicPaper['topicKind'], private batch: TopicBatch, private readonly index: number) {}

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
