import type { TopicNode } from '../shared/protocol';
import type { PlacementPlan } from './placement';

/**
 * What the last derivation of a large library's topics (deriveTopicTree) needs to give the same
 * tree again after a few of its papers changed, without deriving it: the topics are chosen on a
 * sample of the papers, and every other paper is placed under them by its own text alone. So while
 * the papers are the same ones in the same order and no sampled paper changed, the topics and the
 * plan that places papers are what a derivation would choose again, each unchanged paper goes
 * where it went, and only the changed papers need placing. Deriving again read and placed every
 * paper (seconds, and much of the memory the server used, at 100,000 papers); an abstract edited in
 * one note now places that one paper.
 *
 * Papers are kept by their place in the corpus (the keys stay the batch's), each with a stamp of
 * its text (topicBatch.ts: stampOf), which tells the ones that changed.
 */
export class DerivedTreeMemo {
  private constructor(
    /** The settings and the papers' keys, in order, as one string (what must not change). */
    private readonly identity: string,
    private readonly stamps: Float64Array,
    /** The sampled papers' digests (PhraseCache: digestOf), by place: which were sampled, and their text as the topics were chosen on it. */
    private readonly sampleDigests: Map<number, string>,
    readonly plan: PlacementPlan,
    private readonly roots: MemoNode[],
    /** The memo's node of each node number the plan places papers under (undefined: none). */
    private readonly byNumber: (MemoNode | undefined)[],
  ) {}

  /**
   * The tree just derived (before its topics are finished: counted and sorted), its papers by their
   * places in the corpus (`placeOf`); a node's papers that are no longer in the corpus are left out.
   */
  static record(identity: string, stamps: Float64Array, sampleDigests: Map<number, string>, plan: PlacementPlan, roots: readonly TopicNode[], numbered: readonly (TopicNode | undefined)[], placeOf: (key: string) => number | undefined): DerivedTreeMemo {
    const numberOf = new Map<TopicNode, number>();
    numbered.forEach((node, i) => node && numberOf.set(node, i));
    const byNumber: (MemoNode | undefined)[] = new Array(numbered.length);
    const copy = (node: TopicNode): MemoNode => {
      const places: number[] = [];
      for (const key of node.papers) {
        const at = placeOf(key);
        if (at !== undefined) places.push(at);
      }
      const memo: MemoNode = { id: node.id, name: node.name, kind: node.kind, phrases: node.phrases && [...node.phrases], papers: Int32Array.from(places), children: node.children.map(copy) };
      const number = numberOf.get(node);
      if (number !== undefined) byNumber[number] = memo;
      return memo;
    };
    return new DerivedTreeMemo(identity, stamps, sampleDigests, plan, roots.map(copy), byNumber);
  }

  /**
   * The places of the papers whose stamp changed since the tree was derived (`changed`, outside the
   * sample; `sampled`, in it), if the settings and papers are the same (`identity`). The tree can
   * then be had by placing only `changed`, if each of `sampled` has the text it had (sameSample):
   * a file read again stores its texts anew, and changes the stamps of papers that did not change.
   */
  changed(identity: string, stamps: Float64Array): { changed: number[]; sampled: number[] } | undefined {
    if (identity !== this.identity || stamps.length !== this.stamps.length) return undefined;
    const changed: number[] = [], sampled: number[] = [];
    for (let i = 0; i < stamps.length; i++) {
      if (stamps[i] !== this.stamps[i]) (this.sampleDigests.has(i) ? sampled : changed).push(i);
    }
    return { changed, sampled };
  }

  /** Whether the sampled papers at these places have the digests they had (`digests`, in the same order). */
  sameSample(places: readonly number[], digests: readonly (string | undefined)[]): boolean {
    return places.every((at, k) => digests[k] !== undefined && digests[k] === this.sampleDigests.get(at));
  }

  /** The sampled papers' digests, for the memo of a tree rebuilt from this one (the sample's texts the same). */
  get digestsOfSample(): Map<number, string> {
    return this.sampleDigests;
  }

  /**
   * The tree as derived, less the `changed` papers, its papers named by `keyAt`, and its nodes by
   * number, for the changed papers to be placed under.
   */
  tree(keyAt: (place: number) => string, changed: readonly number[]): { roots: TopicNode[]; numbered: (TopicNode | undefined)[] } {
    const out = new Map<MemoNode, TopicNode>();
    const gone = new Set(changed);
    const make = (memo: MemoNode): TopicNode => {
      const papers: string[] = [];
      for (const at of memo.papers) if (!gone.has(at)) papers.push(keyAt(at));
      const node: TopicNode = { id: memo.id, name: memo.name, kind: memo.kind, count: papers.length, papers, children: memo.children.map(make) };
      if (memo.phrases) node.phrases = [...memo.phrases];
      out.set(memo, node);
      return node;
    };
    const roots = this.roots.map(make);
    return { roots, numbered: this.byNumber.map((memo) => memo && out.get(memo)) };
  }
}

interface MemoNode { id: string; name: string; kind: TopicNode['kind']; phrases?: string[]; papers: Int32Array; children: MemoNode[] }
