import { PaperTokens, PhraseMatcher, PhraseTally, WordTable } from './phrases';
import { SparseVector, WordSpace } from './fields';

/**
 * How a paper the topics were not chosen on finds its place in the tree, as plain data: the topics
 * worker places papers by it, and so can a helper thread with a word table of the same words
 * (placeHelper.ts). Targets are node numbers (the order the derivation made the nodes in).
 */
export interface PlacementPlan {
  top: LevelPlan;
  /** Per topic of the top level: its centroid, for papers no chosen phrase placed (likeness). */
  centroids: SparseVector[];
  /** Per topic: the node its papers are under, or NO_NODE. */
  targetOfTopic: number[];
  /** The word space's idf by folded word id (WordSpace), which the papers' vectors are made in. */
  idf: Float64Array;
  /** By node number: the plan of that node's subtopics, if it has any. */
  subs: (LevelPlan | null)[];
}

/** A level's chosen phrases (key and quality), and per phrase the node its papers go to. */
export interface LevelPlan {
  chosen: { key: string; quality: number }[];
  maxPerPaper: number;
  /** Per chosen phrase: a node number, NO_NODE, or (top level only) NO_TOPIC. */
  targetOfChosen: number[];
}

/** The phrase's topic has no node (too few papers to be shown): its papers are in no topic. */
export const NO_NODE = -2;
/** The phrase was chosen but no paper of the sample got it: a paper with only it counts as unplaced. */
export const NO_TOPIC = -1;

/** Unplaced papers go to the nearest topic whose papers they read at least this much like. */
export const PLACE_SIMILARITY = 0.1;

/**
 * A paper goes under a second or third topic only when that phrase weighs at least this share of
 * what its first topic's phrase does: a passing mention ("unlike federated learning, ...") does not place it.
 */
const SECONDARY_WEIGHT = 0.5;

/** Places papers by a plan, in the word ids of `table` (the one the plan was made with, or one with the same words). */
export class Placer {
  private readonly top: Assigner;
  private readonly subs: (Assigner | null)[];
  private readonly nearest: NearestTopic;
  private readonly space: WordSpace;
  private readonly targets = new Set<number>();

  constructor(private readonly plan: PlacementPlan, table: WordTable) {
    this.top = new Assigner(plan.top.chosen, plan.top.maxPerPaper, table);
    this.subs = plan.subs.map((s) => (s ? new Assigner(s.chosen, s.maxPerPaper, table) : null));
    this.nearest = new NearestTopic(plan.centroids);
    this.space = WordSpace.withIdf(plan.idf, table);
  }

  /** The numbers of the nodes the paper goes under (each once, subtopics after their topic), into `out`. */
  place(tokens: PaperTokens, out: number[]): void {
    const { plan, targets } = this;
    targets.clear();
    let placed = false;
    for (const i of this.top.of(tokens)) {
      const t = plan.top.targetOfChosen[i];
      if (t === NO_TOPIC) continue;
      placed = true;
      if (t !== NO_NODE) targets.add(t);
    }
    if (!placed) {
      const t = this.nearest.of(this.space.vector(tokens));
      if (t >= 0 && plan.targetOfTopic[t] !== NO_NODE) targets.add(plan.targetOfTopic[t]);
    }
    for (const node of targets) {
      out.push(node);
      const sub = this.subs[node];
      if (!sub) continue;
      for (const i of sub.of(tokens)) {
        const s = plan.subs[node]!.targetOfChosen[i];
        if (s >= 0) out.push(s);
      }
    }
  }
}

/** The chosen phrases a paper goes under: at most maxPerPaper, the ones where the phrase weighs most. */
export class Assigner {
  private readonly matcher: PhraseMatcher;
  /** The chosen phrases (by index) in the paper at hand, and their weights in it. */
  private readonly found = new PhraseTally();
  private readonly hits: number[] = [];
  /** A total order, so the order they were found in does not matter. */
  private readonly heavier = (a: number, b: number) => this.found.weight[b] * this.chosen[b].quality - this.found.weight[a] * this.chosen[a].quality || (this.chosen[a].key < this.chosen[b].key ? -1 : 1);

  constructor(readonly chosen: readonly { key: string; quality: number }[], private readonly maxPerPaper: number, private readonly table: WordTable) {
    this.matcher = new PhraseMatcher(chosen.map((c, id) => ({ key: c.key, id })), table);
  }

  /** Indexes into `chosen`, the heaviest first (an array used again by the next call). */
  of(tokens: PaperTokens): number[] {
    const { found, chosen, hits } = this;
    this.matcher.tally(tokens, this.table, found);
    const seen = found.seen;
    if (seen.length > 1) seen.sort(this.heavier);
    const first = seen.length ? found.weight[seen[0]] * chosen[seen[0]].quality : 0;
    hits.length = 0;
    for (let j = 0; j < seen.length && j < this.maxPerPaper; j++) {
      if (j > 0 && found.weight[seen[j]] * chosen[seen[j]].quality < SECONDARY_WEIGHT * first) break;
      hits.push(seen[j]);
    }
    found.clear();
    return hits;
  }
}

/** The topic whose centroid a paper's vector is most like, if it is at least PLACE_SIMILARITY alike. */
export class NearestTopic {
  /** Centroids by word, so a paper is compared through its own words only. */
  private readonly postings = new Map<number, { topic: number; weight: number }[]>();
  private readonly scores: Float64Array;

  constructor(centroids: readonly SparseVector[]) {
    centroids.forEach((c, topic) => c.ids.forEach((id, j) => {
      const list = this.postings.get(id) ?? this.postings.set(id, []).get(id)!;
      list.push({ topic, weight: c.values[j] });
    }));
    this.scores = new Float64Array(centroids.length);
  }

  /** The topic's index, or -1. */
  of(v: SparseVector): number {
    const { scores, postings } = this;
    scores.fill(0);
    for (let j = 0; j < v.ids.length; j++) {
      const list = postings.get(v.ids[j]); // a word in no centroid adds nothing
      if (list) for (const p of list) scores[p.topic] += v.values[j] * p.weight;
    }
    let best = -1, bestSimilarity = PLACE_SIMILARITY;
    for (let t = 0; t < scores.length; t++) if (scores[t] > bestSimilarity) { bestSimilarity = scores[t]; best = t; }
    return best;
  }
}
