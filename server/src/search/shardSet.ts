import { CompactHit, CompactIndex, MergedPostings, mergedInMemory, MergePart, MergePlan, planMerge, PreparedClause, QUERY_TOO_SLOW, QueryLimitError, queryCompact, SpilledPostings } from './compactIndex';
import { PostingFile } from './postingFile';
import type { Placement } from './shardFile';

/** Postings fewer than this stay in memory at rest: a file and a read per term cost more than they save. */
export const SPILL_MIN_POSTINGS = 64 * 1024;
/** Shards built since the last merge that a query may go through one by one before they are merged. */
const MAX_UNMERGED_SHARDS = 16;
/** Merge once the documents outside the merged index, or masked in it, are this fraction of it. */
const UNMERGED_FRACTION = 1 / 8;

interface Placed { hash: string; base: number; count: number }

/**
 * A full-text worker's shards, each held once: those merged into one index, for one-pass queries
 * (each shard a range of its documents there), and those built since the last merge, on their own
 * until the next. A shard that changes or goes leaves its range in the merged index until the next
 * merge, masked out of every query. Keeping each shard beside the merged index as well, as the
 * worker first did, held every posting twice. At rest, the merged index's postings can wait in a
 * file (spill); they come back into memory for the next merge or cache file.
 */
export class ShardSet {
  private merged: CompactIndex | undefined;
  private inMerged = new Map<string, Placed>();
  /** Shards not in `merged`: built, or built again, since it was made. */
  private readonly pending = new Map<string, { hash: string; index: CompactIndex }>();
  /** 1 for each document of `merged` whose shard is still there; undefined when all are. */
  private live: Uint8Array | undefined;
  private dictionary: string[] | undefined;
  /** Shards taken up by adopt and not asked for since (see dropUnasked). */
  private unasked: Set<string> | undefined;
  /** What the last spill threw, if it could not write its file (the postings stayed in memory), for the log. */
  spillError: unknown;

  constructor(private readonly fields: string[]) {}

  get size(): number {
    return this.inMerged.size + this.pending.size;
  }

  /** The shard's content hash and number of documents, if it is here. */
  get(shard: string): { hash: string; docs: number } | undefined {
    const own = this.pending.get(shard);
    if (own) return { hash: own.hash, docs: own.index.refs.length };
    const placed = this.inMerged.get(shard);
    return placed && { hash: placed.hash, docs: placed.count };
  }

  /** Adds the shard, or replaces what it was. */
  set(shard: string, hash: string, index: CompactIndex): void {
    this.delete(shard);
    this.pending.set(shard, { hash, index });
    this.dictionary = undefined;
  }

  delete(shard: string): boolean {
    if (this.pending.delete(shard)) {
      this.dictionary = undefined;
      return true;
    }
    const placed = this.inMerged.get(shard);
    if (!placed) return false;
    this.inMerged.delete(shard);
    this.live ??= new Uint8Array(this.merged!.refs.length).fill(1);
    this.live.fill(0, placed.base, placed.base + placed.count);
    return true;
  }

  /** Whether merge() has anything to do. */
  get changed(): boolean {
    return this.pending.size > 0 || this.live !== undefined;
  }

  /**
   * Whether merge() is worth its cost now. A merge copies every posting (taking them back from
   * their file first), so the shard of an edit, a few documents, stays beside the merged index and
   * is queried on its own, until the shards built since, or the documents masked, are a fair part
   * of it.
   */
  get mergeDue(): boolean {
    if (!this.changed) return false;
    if (!this.merged || this.pending.size > MAX_UNMERGED_SHARDS) return true;
    // Masked: the merged index's documents whose shards are no longer placed in it.
    let outside = this.merged.refs.length;
    for (const { count } of this.inMerged.values()) outside -= count;
    for (const { index } of this.pending.values()) outside += index.refs.length;
    return outside >= this.merged.refs.length * UNMERGED_FRACTION;
  }

  /** Whether a query is one pass over one index (as it is once merged), not shard by shard. */
  get onePass(): boolean {
    return !this.changed || (this.inMerged.size === 0 && this.pending.size <= 1);
  }

  /**
   * Every shard into one index: the merged one, less the documents of shards that changed or went,
   * and the shards built since. Returns whether there was anything to do. `toFile`: somewhere the
   * merge may go as it is made (the file of the whole set: shardFile.ts, writeShardSetFile), never
   * held whole; it returns where the postings are then, or undefined to have them merged in memory.
   */
  merge(toFile?: (merge: MergeToWrite) => SpilledPostings | undefined): boolean {
    if (!this.changed) return false;
    this.takeBackPostings();
    const parts: MergePart[] = [];
    const placed = new Map<string, Placed>();
    let next = 0;
    if (this.merged && this.inMerged.size) {
      let keep: MergePart['keep'];
      if (this.live) {
        const newId = new Int32Array(this.live.length);
        let count = 0;
        for (let d = 0; d < newId.length; d++) newId[d] = this.live[d] ? count++ : -1;
        keep = { newId, count };
      }
      for (const [shard, p] of this.inMerged) placed.set(shard, { hash: p.hash, base: p.count && keep ? keep.newId[p.base] : p.base, count: p.count });
      parts.push({ index: this.merged, keep });
      next = keep ? keep.count : this.merged.refs.length;
    }
    for (const [shard, { hash, index }] of this.pending) {
      parts.push({ index });
      placed.set(shard, { hash, base: next, count: index.refs.length });
      next += index.refs.length;
    }
    if (parts.length) {
      const plan = planMerge(parts, this.fields);
      const postings = toFile?.({ plan, placed: placementsOf(placed), postings: new MergedPostings(plan) });
      this.merged = postings ? atRest(plan.index, postings) : mergedInMemory(plan);
    } else this.merged = undefined;
    this.inMerged = placed;
    this.pending.clear();
    this.live = undefined;
    this.dictionary = undefined;
    return true;
  }

  /**
   * The merged index and where each shard is in it, when every shard here is in it and its
   * postings are in memory (for a file of the whole set, which a restart takes up with adopt).
   */
  whole(): { index: CompactIndex; placed: Placement[] } | undefined {
    const merged = this.merged;
    if (!merged || this.changed || merged.spilled) return undefined;
    return { index: merged, placed: placementsOf(this.inMerged) };
  }

  /**
   * Takes up a whole set as `whole` gave it (only into an empty set). Returns whether it did. Its
   * shards stay until dropUnasked unless asked for. `postings`: where its postings are, if not in
   * `index` (the set's file, read through the descriptor it was checked through).
   */
  adopt(index: CompactIndex, placed: readonly Placement[], postings?: SpilledPostings): boolean {
    if (this.size || this.merged) return false;
    this.merged = postings ? atRest(index, postings) : index;
    this.inMerged = new Map(placed.map(([shard, hash, base, count]) => [shard, { hash, base, count }]));
    this.live = undefined;
    this.dictionary = undefined;
    this.unasked = new Set(this.inMerged.keys());
    return true;
  }

  /**
   * The shard is wanted (by its owner, whatever its hash): if adopted, it stays at dropUnasked.
   * Returns whether it was adopted and not asked for before (its index came from the file).
   */
  asked(shard: string): boolean {
    return this.unasked?.delete(shard) ?? false;
  }

  /**
   * Removes the adopted shards never asked for since (files gone while no server ran), once: from
   * then on every shard here is one asked for. Returns how many went.
   */
  dropUnasked(): number {
    const unasked = this.unasked;
    this.unasked = undefined;
    let dropped = 0;
    for (const shard of unasked ?? []) if (this.delete(shard)) dropped++;
    return dropped;
  }

  /**
   * The shard's index on its own, as it was built (for its cache file), if the shard is here with
   * this hash. `terms`: the shard's own terms, as its index had them. A merged shard's postings are
   * copied out of the merged index: its documents are one range in each posting.
   */
  standalone(shard: string, hash: string, terms: readonly string[]): CompactIndex | undefined {
    const own = this.pending.get(shard);
    if (own) return own.hash === hash ? own.index : undefined;
    const placed = this.inMerged.get(shard);
    if (!placed || placed.hash !== hash) return undefined;
    this.takeBackPostings();
    const merged = this.merged!;
    const F = this.fields.length, T = terms.length, MT = merged.terms.length;
    const from = placed.base, to = placed.base + placed.count;
    const starts = new Uint32Array(F * T);
    const offsets = new Uint32Array(F * T + 1);
    for (let t = 0; t < T; t++) {
      const g = merged.termIds.get(terms[t]);
      for (let f = 0; f < F; f++) {
        let lo = 0, hi = 0;
        if (g !== undefined) {
          const begin = merged.offsets[f * MT + g], end = merged.offsets[f * MT + g + 1];
          lo = firstAtLeast(merged.docs, begin, end, from);
          hi = firstAtLeast(merged.docs, lo, end, to);
        }
        starts[f * T + t] = lo;
        offsets[f * T + t + 1] = hi - lo;
      }
    }
    for (let i = 1; i < offsets.length; i++) offsets[i] += offsets[i - 1];
    const docs = new Uint32Array(offsets[F * T]);
    const weights = new Uint32Array(docs.length);
    for (let k = 0; k < F * T; k++) {
      const n = offsets[k + 1] - offsets[k];
      for (let i = 0; i < n; i++) {
        docs[offsets[k] + i] = merged.docs[starts[k] + i] - from;
        weights[offsets[k] + i] = merged.weights[starts[k] + i];
      }
    }
    return { fields: [...this.fields], refs: merged.refs.slice(from, to), terms: [...terms], termIds: new Map(terms.map((t, i) => [t, i])), offsets, docs, weights };
  }

  /**
   * Moves the merged index's postings to a file in `dir`, if there are enough of them and they are
   * not there already. Returns whether they are in a file now; if the file cannot be written, they
   * stay in memory.
   */
  spill(dir: string, minPostings = SPILL_MIN_POSTINGS): boolean {
    const merged = this.merged;
    this.spillError = undefined;
    if (!merged || merged.spilled) return merged?.spilled !== undefined;
    if (merged.docs.length < minPostings) return false;
    let file: PostingFile;
    try {
      file = PostingFile.write(dir, merged.docs, merged.weights, merged.refs.length);
    } catch (err) {
      this.spillError = err ?? 'unknown error';
      return false;
    }
    this.merged = atRest(merged, file);
    return true;
  }

  /**
   * Lets the merged index's postings wait where `postings` reads them (the file of the whole set
   * just written from whole()) rather than in a file of their own, as spill would. Returns whether
   * it did: only if whole() would still give that index, and with postings enough for spill.
   */
  restIn(postings: SpilledPostings, minPostings = SPILL_MIN_POSTINGS): boolean {
    const merged = this.merged;
    if (!merged || this.changed || merged.spilled || merged.docs.length < minPostings) return false;
    this.merged = atRest(merged, postings);
    return true;
  }

  /** Throws a PostingFileError if they cannot be read back. */
  private takeBackPostings(): void {
    const merged = this.merged;
    if (!merged?.spilled) return;
    const { docs, weights } = merged.spilled.takeBack();
    this.merged = { ...merged, docs, weights, spilled: undefined };
  }

  /** Every term the shards have, sorted (what wildcard and fuzzy terms expand against). */
  terms(): string[] {
    if (!this.pending.size) return this.merged?.terms ?? [];
    if (this.dictionary) return this.dictionary;
    const all = new Set(this.merged?.terms);
    for (const { index } of this.pending.values()) for (const t of index.terms) all.add(t);
    return (this.dictionary = [...all].sort());
  }

  /**
   * The best hits of each index queried (twice `limit` from the merged one: the server keeps the
   * best hit per paper, and a paper can have several documents). Past `deadline`, throws.
   */
  query(prepared: PreparedClause[], expansions: string[][][], limit: number, deadline: number): CompactHit[] {
    const hits: CompactHit[] = [];
    // Scored as one index of every shard here would score them (queryCompact's termKnown).
    const indexes = [...(this.merged && this.inMerged.size ? [this.merged] : []), ...[...this.pending.values()].map((p) => p.index)];
    const known = indexes.length > 1 ? (t: string) => indexes.some((index) => index.termIds.has(t)) : undefined;
    if (this.merged && this.inMerged.size) hits.push(...queryCompact(this.merged, prepared, expansions, limit * 2, this.live, known));
    for (const { index } of this.pending.values()) {
      if (Date.now() > deadline) throw new QueryLimitError(QUERY_TOO_SLOW);
      hits.push(...queryCompact(index, prepared, expansions, limit, undefined, known));
    }
    return hits;
  }
}

const EMPTY = new Uint32Array(0);

/** A merge to write as it is made (ShardSet.merge): the merged index but its postings, where each shard is in it, and its postings a run at a time. */
export interface MergeToWrite { plan: MergePlan; placed: Placement[]; postings: MergedPostings }

/** Where each shard is in a merged index, in the order of their documents. */
function placementsOf(placed: ReadonlyMap<string, Placed>): Placement[] {
  return [...placed].map(([shard, p]): Placement => [shard, p.hash, p.base, p.count]).sort((a, b) => a[2] - b[2]);
}

/** The index with its postings in `file` rather than in memory (whatever postings it holds are left out). */
function atRest(index: Omit<CompactIndex, 'docs' | 'weights' | 'spilled'>, file: SpilledPostings): CompactIndex {
  return { ...index, docs: EMPTY, weights: EMPTY, spilled: file };
}

/** The first position in sorted docs[begin, end) holding `value` or more (end if none does). */
function firstAtLeast(docs: Uint32Array, begin: number, end: number, value: number): number {
  let lo = begin, hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid] < value) lo = mid + 1; else hi = mid;
  }
  return lo;
}
