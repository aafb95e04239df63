import type { TopicNode } from '../shared/protocol';
import type { PlacementPlan } from './placement';
import { keyHash } from './hash53';

/**
 * What the last derivation of a large library's topics (deriveTopicTree) needs to give the same
 * tree again after some of its papers changed, or came or went, without deriving it: the topics are
 * chosen on a sample of the papers (each in it or not by its own key: derivedTopics.ts, sampleOf),
 * and every other paper is placed under them by its own text alone. So while the sample is the
 * same papers, in the same order, with the same text, the topics and the plan that places papers
 * are what a derivation would choose again, each unchanged paper goes where it went, and only the
 * changed and new papers need placing. Deriving again read and placed every paper (seconds, and
 * much of the memory the server used, at 100,000 papers); an abstract edited in one note, or a new
 * digest, now places just those papers.
 *
 * Papers are known by their key's hash (keyHash) and their place in the corpus the tree was derived
 * from, each with a stamp of its text (topicBatch.ts: stampOf), which tells the ones that changed.
 */
export class DerivedTreeMemo {
  private constructor(
    /** The settings and the sample's rate, as one string (what must not change). */
    private readonly identity: string,
    private readonly stamps: Float64Array,
    /** The papers' key hashes, ascending, and the place of each (placeIn). */
    private readonly sortedKeys: Float64Array,
    private readonly placesOfSorted: Int32Array,
    /** The sampled papers' key hashes, in the order of the corpus. */
    private readonly sampleKeys: Float64Array,
    /** The sampled papers' digests (PhraseCache: digestOf), in the same order: their text as the topics were chosen on it. */
    private readonly sampleDigests: readonly string[],
    readonly plan: PlacementPlan,
    private readonly roots: MemoNode[],
    /** The memo's node of each node number the plan places papers under (undefined: none). */
    private readonly byNumber: (MemoNode | undefined)[],
  ) {}

  /**
   * The tree just derived (before its topics are finished: counted and sorted), its papers by their
   * places in the corpus, found by their keys' hashes; a node's papers that are not in the corpus
   * are left out. `keys`: each paper's key hash, by place; `sampled`: the places of the sample.
   * Undefined if two papers' keys have one hash (the memo could not tell them apart; the next tree
   * is derived).
   */
  static record(identity: string, stamps: Float64Array, keys: Float64Array, sampled: readonly number[], sampleDigests: readonly string[], plan: PlacementPlan, roots: readonly TopicNode[], numbered: readonly (TopicNode | undefined)[]): DerivedTreeMemo | undefined {
    const order = Int32Array.from(keys, (_, i) => i).sort((x, y) => keys[x] - keys[y]);
    const sortedKeys = Float64Array.from(order, (i) => keys[i]);
    for (let k = 1; k < sortedKeys.length; k++) if (sortedKeys[k] === sortedKeys[k - 1]) return undefined;
    const placeOf = (key: string) => placeIn(sortedKeys, order, keyHash(key));
    const numberOf = new Map<TopicNode, number>();
    numbered.forEach((node, i) => node && numberOf.set(node, i));
    const byNumber: (MemoNode | undefined)[] = new Array(numbered.length);
    const copy = (node: TopicNode): MemoNode => {
      const places: number[] = [];
      for (const key of node.papers) {
        const at = placeOf(key);
        if (at !== -1) places.push(at);
      }
      const memo: MemoNode = { id: node.id, name: node.name, kind: node.kind, phrases: node.phrases && [...node.phrases], papers: Int32Array.from(places), children: node.children.map(copy) };
      const number = numberOf.get(node);
      if (number !== undefined) byNumber[number] = memo;
      return memo;
    };
    return new DerivedTreeMemo(identity, stamps, sortedKeys, order, Float64Array.from(sampled, (i) => keys[i]), sampleDigests, plan, roots.map(copy), byNumber);
  }


  /**
   * What changed in a corpus with these stamps, key hashes and sample (its places) since the tree was
   * derived, if the settings (`identity`) and the sample's papers, in order, are the same:
   * - `changed`: the places of papers that are new, or whose stamp changed, outside the sample
   * - `sampled`: the sample's papers whose stamp changed, by their rank in the sample. The tree can
   *   then be had by placing only `changed`, if each of these has the text it had (sameSample): a
   *   file read again stores its texts anew, and changes the stamps of papers that did not change.
   * - `placeNow`: for each place in the derived corpus, the paper's place now if it is kept where it
   *   was (-1: gone, or changed)
   */
  changed(identity: string, stamps: Float64Array, keys: Float64Array, sample: readonly number[]): { changed: number[]; sampled: number[]; placeNow: Int32Array } | undefined {
    if (identity !== this.identity || sample.length !== this.sampleKeys.length) return undefined;
    const rankInSample = new Map<number, number>();
    for (let k = 0; k < sample.length; k++) {
      if (keys[sample[k]] !== this.sampleKeys[k]) return undefined;
      rankInSample.set(sample[k], k);
    }
    const placeNow = new Int32Array(this.stamps.length).fill(-1);
    const changed: number[] = [], sampled: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const was = placeIn(this.sortedKeys, this.placesOfSorted, keys[i]);
      if (was === -1) { changed.push(i); continue; }
      // Two papers now with one hash: the memo cannot tell which was which.
      if (placeNow[was] !== -1) return undefined;
      const rank = rankInSample.get(i);
      if (stamps[i] === this.stamps[was]) placeNow[was] = i;
      else if (rank === undefined) changed.push(i);
      else { placeNow[was] = i; sampled.push(rank); }
    }
    return { changed, sampled, placeNow };
  }

  /** Whether the sampled papers of these ranks in the sample have the digests they had (`digests`, in the same order). */
  sameSample(ranks: readonly number[], digests: readonly (string | undefined)[]): boolean {
    return ranks.every((rank, k) => digests[k] !== undefined && digests[k] === this.sampleDigests[rank]);
  }

  /** The sampled papers' digests, for the memo of a tree rebuilt from this one (the sample's texts the same). */
  get digestsOfSample(): readonly string[] {
    return this.sampleDigests;
  }

  /**
   * The tree as derived, its papers at their places now (`placeNow`, from changed()) named by
   * `keyAt`, less those gone or changed, and its nodes by number, for the changed papers to be
   * placed under.
   */
  tree(keyAt: (place: number) => string, placeNow: Int32Array): { roots: TopicNode[]; numbered: (TopicNode | undefined)[] } {
    const out = new Map<MemoNode, TopicNode>();
    const make = (memo: MemoNode): TopicNode => {
      const papers: string[] = [];
      for (const at of memo.papers) if (placeNow[at] !== -1) papers.push(keyAt(placeNow[at]));
      const node: TopicNode = { id: memo.id, name: memo.name, kind: memo.kind, count: papers.length, papers, children: memo.children.map(make) };
      if (memo.phrases) node.phrases = [...memo.phrases];
      out.set(memo, node);
      return node;
    };
    const roots = this.roots.map(make);
    return { roots, numbered: this.byNumber.map((memo) => memo && out.get(memo)) };
  }
}

/** The place of the paper with key hash `key`, given the hashes ascending and each one's place; -1 if none has it. */
function placeIn(sortedKeys: Float64Array, places: Int32Array, key: number): number {
  let lo = 0, hi = sortedKeys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1, at = sortedKeys[mid];
    if (at === key) return places[mid];
    if (at < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

interface MemoNode { id: string; name: string; kind: TopicNode['kind']; phrases?: string[]; papers: Int32Array; children: MemoNode[] }
