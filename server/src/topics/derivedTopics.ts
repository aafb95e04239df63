import { PaperPhrases, PaperTokens, PhraseKeys, surfaceOf, WordTable } from './phrases';
import type { PhraseCache, TopicNode } from './topics';
import { centroid, collectAcronyms, FIELD_SIMILARITY, groupFields, nameStems, settledAcronyms, SparseVector, VARIANT_SIMILARITY, variantNames, WordSpace } from './fields';
import { Assigner, LevelPlan, NearestTopic, NO_NODE, NO_TOPIC, PlacementPlan } from './placement';
import { DerivedTreeMemo } from './treeMemo';
import { keyHash } from './hash53';

/**
 * Topics derived from the papers' own text, for papers with no tags, folder or vocabulary topic.
 *
 * Each step is its own small function. As one long function, every loop that got hot was compiled
 * on the spot (on-stack replacement) and thrown away again at the next loop, whose types it had
 * not seen, and a fresh topics thread spent its time deoptimising.
 */

/** A paper in topic derivation: its tokens always, its full phrase list only once it is sampled. */
export interface Doc { key: string; tokens: PaperTokens; phrases?: PaperPhrases }

/**
 * The papers topics are derived for. The topics are chosen on a sample of them (in a small library,
 * all of them), whose tokens the computation keeps (`docs`); then each other paper is read once,
 * put under the topics it belongs to, and let go (`rest`). Keeping every paper's tokens cost the
 * topics worker most of its time and memory at 100,000 papers.
 */
export interface TopicCorpus {
  readonly size: number;
  /** The papers at these indexes (ascending), tokens kept for the computation. */
  docs(indexes: readonly number[]): Doc[];
  /**
   * Places each paper at these indexes (ascending) by the plan (placement.ts: Placer), once and in
   * any order: `put` is given its key and the numbers of the nodes it goes under.
   */
  rest(indexes: readonly number[], plan: PlacementPlan, put: (key: string, nodes: readonly number[]) => void): void;
  /** The key of the paper at this index. */
  keyAt(index: number): string;
  /**
   * A stamp of each paper's text, by index (topicBatch.ts: stampOf), where the corpus can
   * tell them without reading the papers' stored text: a derivation is then remembered, and the
   * next one places only the papers that changed (treeMemo.ts).
   */
  stamps?(): Float64Array;
  /** The digests of the papers at these indexes (PhraseCache: digestOf), reading their stored text where needed. */
  digests?(indexes: readonly number[]): (string | undefined)[];
  /** Called once the topics are chosen on the sample, before the other papers are placed (PaperReader.sampleDone). */
  sampleDone?(): void;
}

/** A level of the tree: its nodes and their plan; for the top level, the plan for every level. */
interface Level { nodes: TopicNode[]; plan: LevelPlan; placement?: PlacementPlan }

/** A node as it is made: its number (its index in the list of all nodes made) and its subtopics' plan. */
interface Made { node: TopicNode; number: number; sub?: LevelPlan }

/** `nameKey`: the phrase the topic is shown by, its own or a fuller one (fullerName). */
interface Candidate { key: string; id: number; docs: number[]; quality: number; nameKey?: string }

/** How many phrases get the (costlier) coherence measure, and on how many of their papers, per level. */
const MAX_CANDIDATES = [600, 150];
const COHERENCE_SAMPLE = [120, 60];
/** Topics (and subtopics) are chosen from at most this many papers; all papers are then assigned. */
export const SELECTION_SAMPLE = [2000, 200];
/** Subtopics are derived for this many of the largest topics. */
const MAX_SPLIT_TOPICS = 8;
/** A subtopic of two papers is more often a shared turn of phrase than a subfield. */
const MIN_SUBTOPIC_PAPERS = 3;

/**
 * The derived topics of these papers: chosen on a sample (sampleOf: by key, deterministic), which
 * every other paper is then placed by, as a paper of the sample would have been.
 */
export function deriveTopicTree(corpus: TopicCorpus, maxPerPaper: number, cache: PhraseCache, hidden: ReadonlySet<string> = new Set()): TopicNode[] {
  const keys = keyHashesOf(corpus);
  const { sampled, rate } = sampleOf(keys);
  // Only where some papers are not sampled: otherwise any change is to a sampled paper.
  const stamps = sampled.length < corpus.size ? corpus.stamps?.() : undefined;
  const identity = stamps && `${maxPerPaper}\u0000${[...hidden].sort().join('\u0001')}\u0000${rate}`;
  const memo = cache.derived;
  cache.derived = undefined;
  if (memo && identity !== undefined) {
    const placed = placedByMemo(corpus, memo, identity, stamps!, keys, sampled);
    if (placed) {
      cache.derived = DerivedTreeMemo.record(identity, stamps!, keys, sampled, memo.digestsOfSample, memo.plan, placed.roots, placed.numbered);
      return placed.roots;
    }
  }
  const docs = corpus.docs(sampled);
  // About this many distinct phrases per sampled paper, so the table starts large enough.
  const phraseKeys = new PhraseKeys(cache.table, docs.length * 75);
  const numbered: TopicNode[] = [];
  const { nodes, placement } = deriveTopics(docs, maxPerPaper, [], 0, { cache, phraseKeys, hidden, numbered, scale: 1 / rate });
  // The phrase lists are for choosing topics only.
  for (const d of docs) d.phrases = undefined;
  if (docs.length < corpus.size) {
    corpus.sampleDone?.();
    corpus.rest(othersThan(sampled, corpus.size), placement!, (key, targets) => { for (const t of targets) numbered[t].papers.push(key); });
  }
  const sampleDigests = identity !== undefined && placement && corpus.digests?.(sampled);
  if (sampleDigests && sampleDigests.every((d) => d !== undefined)) {
    cache.derived = DerivedTreeMemo.record(identity!, stamps!, keys, sampled, sampleDigests as string[], placement!, nodes, numbered);
  }
  return nodes;
}

/**
 * The last derivation's tree with only the changed and new papers placed, if the topics would be
 * the same (treeMemo.ts): the same settings and sample, and every sampled paper's text as it was.
 */
function placedByMemo(corpus: TopicCorpus, memo: DerivedTreeMemo, identity: string, stamps: Float64Array, keys: Float64Array, sampled: readonly number[]): { roots: TopicNode[]; numbered: (TopicNode | undefined)[] } | undefined {
  const since = memo.changed(identity, stamps, keys, sampled);
  if (!since) return undefined;
  if (since.sampled.length && !(corpus.digests && memo.sameSample(since.sampled, corpus.digests(since.sampled.map((k) => sampled[k]))))) return undefined;
  const { roots, numbered } = memo.tree((i) => corpus.keyAt(i), since.placeNow);
  corpus.rest(since.changed, memo.plan, (key, targets) => { for (const t of targets) numbered[t]?.papers.push(key); });
  return { roots, numbered };
}

/** Each paper's key hashed (keyHash), by index. */
function keyHashesOf(corpus: TopicCorpus): Float64Array {
  const out = new Float64Array(corpus.size);
  for (let i = 0; i < corpus.size; i++) out[i] = keyHash(corpus.keyAt(i));
  return out;
}

/** Whether a paper with this key hash is in a sample taken at `rate`: a 32-bit value spread evenly from the hash's low bits (MurmurHash3's finalizer), below the rate. */
export function inSample(hash: number, rate: number): boolean {
  let x = hash % 0x100000000 | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0 < rate * 0x100000000;
}

/**
 * How much larger the library grows before its sample's rate is lowered: the sample holds from
 * SELECTION_SAMPLE[0] papers to this many times as many.
 */
const SAMPLE_GROWTH = 1.125;

/**
 * The share of papers that are sampled in a corpus of `n`: all of them up to SAMPLE_GROWTH times
 * SELECTION_SAMPLE[0], then a rate that steps down each time the corpus grows by SAMPLE_GROWTH.
 */
export function sampleRate(n: number): number {
  const size = SELECTION_SAMPLE[0];
  let base = size;
  while (base * SAMPLE_GROWTH <= n) base *= SAMPLE_GROWTH;
  return base === size ? 1 : size / base;
}

/**
 * The papers topics are chosen on (by index, ascending), and the rate they were sampled at: those
 * whose key's hash falls below the rate. A paper is in the sample by its own key, so a paper added
 * or taken away leaves every other paper in or out of it as it was, and the sample is the same
 * whatever order the papers came in. An evenly spaced sample moved with every paper added, so a
 * new digest meant choosing every topic again.
 */
export function sampleOf(keys: Float64Array): { sampled: number[]; rate: number } {
  const rate = sampleRate(keys.length);
  const all = Array.from({ length: keys.length }, (_, i) => i);
  if (rate === 1) return { sampled: all, rate };
  const sampled = all.filter((i) => inSample(keys[i], rate));
  // Keys come from files anyone can write, and keys made to miss the sample would leave the topics
  // chosen on a handful of papers: far below its size, the sample is taken evenly spaced instead.
  const size = SELECTION_SAMPLE[0];
  if (sampled.length < size / 2) return { sampled: spaced(all, size), rate: size / keys.length };
  return { sampled, rate };
}

/** The indexes of the sampled papers among papers with these keys (sampleOf). */
export function sampleIndexes(keys: readonly string[]): number[] {
  return sampleOf(Float64Array.from(keys, keyHash)).sampled;
}

/** The indexes below n not in `taken` (ascending). */
function othersThan(taken: readonly number[], n: number): number[] {
  const is = new Uint8Array(n);
  for (const i of taken) is[i] = 1;
  const rest: number[] = [];
  for (let i = 0; i < n; i++) if (!is[i]) rest.push(i);
  return rest;
}

/**
 * What every level of a derivation shares. `numbered`: every node made so far (a node's number is
 * its index). `scale`: papers in all per paper of the sample, so that a count of sampled papers
 * stands for as many in the library wherever a rule counts papers (1 when all are sampled).
 */
interface Derivation { cache: PhraseCache; phraseKeys: PhraseKeys; hidden: ReadonlySet<string>; numbered: TopicNode[]; scale: number }

/**
 * Choose distinctive phrases that together cover the papers: document frequency within bounds,
 * longer phrases and title phrases preferred, greedy by how many not-yet-covered papers a phrase
 * adds, skipping phrases whose papers mostly belong to a chosen one. Big topics get subtopics.
 */
function deriveTopics(allDocs: Doc[], maxPerPaper: number, excludeWords: string[], depth: number, ctx: Derivation): Level {
  const { cache, phraseKeys, hidden, numbered, scale } = ctx;
  // Subtopics are chosen on at most a sample of their topic's papers (deterministic), then every
  // paper is assigned to the chosen topics by its own phrases.
  const docs = selectionSample(allDocs, SELECTION_SAMPLE[depth ? 1 : 0]);
  const n = docs.length;
  const phrases = docs.map((d) => cache.phrases(d, phraseKeys));
  const minDf = Math.max(depth ? 2 : 3, Math.ceil(n * 0.015));
  const maxDf = Math.max(minDf + 1, Math.floor(n * (depth ? 0.6 : 0.22)));
  const { lists, counts } = paperLists(phrases, countPapers(phrases, phraseKeys.length.length), minDf, maxDf);
  const coherence = new Coherence(wordVectors(phrases, phraseKeys, counts.df, n), phraseKeys.length.length);
  const excluded = new Set(excludeWords.map((w) => cache.table.foldedIdOf(w)).filter((f): f is number => f !== undefined));
  const longer = longerPhrases(lists, counts, phraseKeys);
  const candidates = rankCandidates(lists, counts, phraseKeys, excluded, coherence, depth, n)
    .map((c) => ({ ...c, nameKey: fullerName(c, counts.titleDf[c.id], longer) }))
    .filter((c) => !hidden.has(c.key) && !hidden.has(c.nameKey));
  const chosen = chooseTopics(candidates, n, minDf, maxPerPaper, depth ? 6 : Math.max(5, Math.min(200, Math.round(n / 4))));
  const assigner = new Assigner(chosen, maxPerPaper, cache.table);
  const assigned = assignPapers(allDocs, assigner, chosen);

  const splitting = new Set([...assigned.entries()].filter(([, k]) => k.length * scale >= 12).sort((a, b) => b[1].length - a[1].length || (a[0].key < b[0].key ? -1 : 1)).slice(0, MAX_SPLIT_TOPICS).map(([c]) => c));
  const nodeOf = (c: Candidate, keys: string[], id: string, phrases?: string[]): Made => {
    const name = displayName(c, docs, cache.table);
    const node: TopicNode = { id, name, kind: 'derived', count: keys.length, papers: keys, children: [], phrases: phrases ?? [name] };
    const number = numbered.push(node) - 1;
    if (depth === 0 && splitting.has(c)) {
      const keySet = new Set(keys);
      const sub = deriveTopics(allDocs.filter((d) => keySet.has(d.key)), 1, [...excludeWords, ...c.key.split(' ')], depth + 1, ctx);
      for (const ch of sub.nodes) ch.id = `${node.id}/${ch.id.slice('derived:'.length)}`;
      node.children = sub.nodes;
      return { node, number, sub: sub.plan };
    }
    return { node, number };
  };
  const plan = (targetOfChosen: number[]): LevelPlan => ({ chosen: chosen.map((c) => ({ key: c.key, quality: c.quality })), maxPerPaper, targetOfChosen });
  if (depth > 0) {
    // A subtopic with too few papers here gets no node, and no papers later either.
    const made = chosen.map((c) => ((assigned.get(c)?.length ?? 0) * scale >= MIN_SUBTOPIC_PAPERS ? nodeOf(c, assigned.get(c)!, `derived:${c.key}`) : undefined));
    return { nodes: made.flatMap((m) => (m ? [m.node] : [])), plan: plan(made.map((m) => m?.number ?? NO_NODE)) };
  }
  return fieldNodes(allDocs, docs, chosen, assigned, candidates, ctx, nodeOf, plan);
}


/** A chosen topic, or several merged as variants of one name: its phrases, papers and centroid. */
interface Merged { main: Candidate; all: Candidate[]; papers: string[]; stems: Set<string>; centroid: SparseVector }

/**
 * The top level. Papers no phrase placed go to the topic whose papers they read most like;
 * topics whose names are variants of one another (fields.ts) become one; topics that read alike
 * are one field: under the topic that names it, or under a parent named for them all.
 */
function fieldNodes(allDocs: Doc[], sample: Doc[], chosen: Candidate[], assigned: Map<Candidate, string[]>, candidates: Candidate[], { cache, numbered, scale }: Derivation,
  nodeOf: (c: Candidate, keys: string[], id: string, phrases: string[]) => Made, plan: (targetOfChosen: number[]) => LevelPlan): Level {
  const space = new WordSpace(sample.map((d) => d.tokens), cache.table);
  const byKey = new Map(allDocs.map((d) => [d.key, d]));
  // Vectors are made as needed and not kept: for every paper of a large library they cost the
  // worker more memory than the rest of the computation.
  const vectorOf = (key: string) => space.vector(byKey.get(key)!.tokens);
  const centroidOf = (keys: string[]) => centroid(spaced(keys, CENTROID_SAMPLE).map(vectorOf));
  const maxSize = Math.floor(allDocs.length * MAX_FIELD_SHARE);

  const acronyms = new Map<string, Map<string, number>>();
  for (const d of sample) collectAcronyms(d.tokens, cache.table, acronyms);
  const settled = settledAcronyms(acronyms);
  const placedChosen = chosen.filter((c) => assigned.has(c));
  const topics = placedChosen.map((c): Merged => ({ main: c, all: [c], papers: [...assigned.get(c)!], stems: nameStems(c.nameKey ?? c.key, settled), centroid: centroidOf(assigned.get(c)!) }));
  placeRest(allDocs, topics, vectorOf, new NearestTopic(topics.map((t) => t.centroid)));

  // Per topic, the merged topic it is part of.
  const mergedOf = new Int32Array(topics.length);
  const merged = groupFields(topics, maxSize, (a, b, similarity) => similarity >= VARIANT_SIMILARITY && variantNames(a.stems, b.stems)).map((group, m): Merged => {
    for (const t of group) mergedOf[t] = m;
    if (group.length === 1) return topics[group[0]];
    const parts = group.map((t) => topics[t]).sort((x, y) => y.main.quality - x.main.quality || (x.main.key < y.main.key ? -1 : 1));
    const papers = [...new Set(parts.flatMap((t) => t.papers))];
    return { main: parts[0].main, all: parts.flatMap((t) => t.all), papers, stems: new Set(parts.flatMap((t) => [...t.stems])), centroid: centroidOf(papers) };
  });
  // Per merged topic, its node (none when it had too few papers to be shown).
  const madeOf = new Map<Merged, Made>();
  const topicNode = (t: Merged, id: string) => {
    const made = nodeOf(t.main, t.papers, id, t.all.map((c) => displayName(c, sample, cache.table)));
    madeOf.set(t, made);
    return made.node;
  };

  const nodes: TopicNode[] = [];
  const fieldKeys = new Set<string>();
  for (const group of groupFields(merged, maxSize, (_a, _b, similarity) => similarity >= FIELD_SIMILARITY)) {
    const members = group.map((t) => merged[t]).filter((t) => t.papers.length * scale >= 2);
    if (members.length === 0) continue;
    if (members.length === 1) { nodes.push(topicNode(members[0], `derived:${members[0].main.key}`)); continue; }
    const field = fieldName(members.map((t) => t.main), candidates, sample, cache.table);
    const head = members.find((t) => t.all.some((c) => c.key === field.key));
    // Two fields named alike: the second is known by its first topic.
    if (fieldKeys.has(field.key)) field.key = `${field.key}+${members[0].main.key}`;
    fieldKeys.add(field.key);
    const prefix = `derived:${field.key}/`;
    const children = members.filter((t) => t !== head).map((t) => topicNode(t, `${prefix}${t.main.key}`));
    const papers = [...new Set(members.flatMap((t) => t.papers))].sort();
    // Named by one of its topics: that topic is the field, its papers directly under it (and its
    // own subtopics' ids under the field's).
    const node: TopicNode = head ? topicNode(head, `derived:${field.key}`) : { id: `derived:${field.key}`, name: field.name, kind: 'derived', count: 0, papers: [], children: [], phrases: [] };
    node.children = [...node.children, ...children];
    if (!head) node.phrases = [field.name];
    node.count = papers.length;
    nodes.push(node);
  }

  // A paper outside the sample goes under the nodes of the topics it is assigned to, or else of the
  // one it reads most like, as placeRest placed the sample's papers.
  const targetOfTopic = topics.map((_, t) => madeOf.get(merged[mergedOf[t]])?.number ?? NO_NODE);
  const top = plan(chosen.map((c) => {
    const t = placedChosen.indexOf(c);
    return t < 0 ? NO_TOPIC : targetOfTopic[t];
  }));
  const subs = numbered.map((): LevelPlan | null => null);
  for (const made of madeOf.values()) if (made.sub) subs[made.number] = made.sub;
  return { nodes, plan: top, placement: { top, centroids: topics.map((t) => t.centroid), targetOfTopic, idf: space.idf, subs } };
}

/** Each paper no topic has, under the topic whose papers it reads most like (if any reads alike enough). */
function placeRest(allDocs: Doc[], topics: Merged[], vectorOf: (key: string) => SparseVector, nearest: NearestTopic): void {
  const placed = new Set<string>();
  for (const t of topics) for (const k of t.papers) placed.add(k);
  for (const d of allDocs) {
    if (placed.has(d.key)) continue;
    const best = nearest.of(vectorOf(d.key));
    if (best >= 0) topics[best].papers.push(d.key);
  }
}

/** A topic's centroid is read off at most this many of its papers (evenly spaced). */
const CENTROID_SAMPLE = 200;
/** No field holds more than this share of the papers. */
const MAX_FIELD_SHARE = 0.25;

/** A field is named by one phrase when that phrase's papers are this close to the field's (F-measure). */
const FIELD_NAME_FIT = 0.6;

/**
 * A field's name: the phrase whose papers best match the field's (F-measure over the sampled
 * papers, weighed by the phrase's quality), which may be one of its topics or a broader phrase;
 * when no phrase fits, its two largest topics' names.
 */
function fieldName(topics: Candidate[], candidates: Candidate[], sample: Doc[], table: WordTable): { key: string; name: string } {
  const field = new Set(topics.flatMap((c) => c.docs));
  let best: Candidate | undefined, bestScore = -1;
  for (const c of [...topics, ...candidates]) {
    let inter = 0;
    for (const i of c.docs) if (field.has(i)) inter++;
    const fit = (2 * inter) / (c.docs.length + field.size);
    const score = fit * Math.sqrt(c.quality);
    if (fit >= FIELD_NAME_FIT && (score > bestScore || (score === bestScore && best && c.key < best.key))) { best = c; bestScore = score; }
  }
  if (best) return { key: best.key, name: displayName(best, sample, table) };
  const [a, b] = [...topics].sort((x, y) => y.docs.length - x.docs.length || (x.key < y.key ? -1 : 1));
  return { key: `${a.key} & ${b.key}`, name: `${displayName(a, sample, table)} & ${displayName(b, sample, table)}` };
}

/**
 * Per phrase id: in how many papers; for the phrases within the document-frequency bounds, also
 * in how many titles and its weights summed (in paper order, for its centrality).
 */
interface PhraseCounts { df: Int32Array; titleDf: Int32Array; weightSum: Float64Array }

function countPapers(phrases: PaperPhrases[], phraseCount: number): Int32Array {
  const df = new Int32Array(phraseCount);
  for (const { ids } of phrases) for (let j = 0; j < ids.length; j++) df[ids[j]]++;
  return df;
}

/** The phrases that have a paper list, in the order first met, and their lists (`lists[j]` is `ids[j]`'s). */
interface PaperLists { ids: number[]; lists: number[][] }

/**
 * The papers (indexes, ascending) of each phrase within the document-frequency bounds, and its
 * counts. Only for those: most phrases occur once, and a list for each of them was most of the cost.
 */
function paperLists(phrases: PaperPhrases[], df: Int32Array, minDf: number, maxDf: number): { lists: PaperLists; counts: PhraseCounts } {
  // Phrase id -> index + 1 of its list (0: none yet). Typed: a map cost a lookup per phrase
  // occurrence, and an array of lists by phrase id a slot per phrase for the collector to scan.
  const slot = new Int32Array(df.length);
  const lists: number[][] = [];
  const listed: number[] = [];
  const titleDf = new Int32Array(df.length);
  const weightSum = new Float64Array(df.length);
  for (let i = 0; i < phrases.length; i++) {
    const { ids, weights, inTitle } = phrases[i];
    for (let j = 0; j < ids.length; j++) {
      const k = ids[j];
      if (df[k] < minDf || df[k] > maxDf) continue;
      weightSum[k] += weights[j];
      if (inTitle[j]) titleDf[k]++;
      const at = slot[k];
      if (at) lists[at - 1].push(i);
      else { slot[k] = lists.push([i]); listed.push(k); }
    }
  }
  return { lists: { ids: listed, lists }, counts: { df, titleDf, weightSum } };
}

/** A paper's unit tf-idf vector over single words, sparse: word phrase ids and values, in the paper's phrase order. */
interface WordVector { ids: Int32Array; values: Float64Array }

function wordVectors(phrases: PaperPhrases[], phraseKeys: PhraseKeys, df: Int32Array, n: number): WordVector[] {
  const vectors: WordVector[] = [];
  const wordIds: number[] = [], wordValues: number[] = [];
  for (const d of phrases) {
    wordIds.length = 0;
    wordValues.length = 0;
    let norm = 0;
    for (let j = 0; j < d.ids.length; j++) {
      const k = d.ids[j];
      if (phraseKeys.length[k] !== 1) continue;
      const x = Math.log(1 + d.weights[j]) * Math.log(n / df[k]);
      if (x > 0) { wordIds.push(k); wordValues.push(x); norm += x * x; }
    }
    norm = Math.sqrt(norm) || 1;
    const values = Float64Array.from(wordValues);
    for (let j = 0; j < values.length; j++) values[j] /= norm;
    vectors.push({ ids: Int32Array.from(wordIds), values });
  }
  return vectors;
}

/**
 * How alike a set of papers is: the length of the mean of their word vectors. A phrase separates
 * the library well when the papers that contain it are alike, more than papers in general.
 */
class Coherence {
  /** Summed per word id, in the order words are first met (so the sum of squares adds up in a fixed order). */
  private readonly sum: Float64Array;
  private readonly met: number[] = [];

  constructor(private readonly vectors: WordVector[], phraseCount: number) {
    this.sum = new Float64Array(phraseCount);
  }

  /** Of the papers `list`, leaving out the word ids `skip`. */
  of(list: number[], skip: number[]): number {
    const { sum, met } = this;
    met.length = 0;
    for (const i of list) {
      const { ids, values } = this.vectors[i];
      for (let j = 0; j < ids.length; j++) {
        const k = ids[j];
        if (sum[k] === 0) met.push(k);
        sum[k] += values[j];
      }
    }
    // Skipped words are summed like the others and left out here: once per word, not per occurrence.
    let sq = 0;
    for (const k of met) {
      if (skip.length === 0 || !skip.includes(k)) sq += sum[k] * sum[k];
      sum[k] = 0;
    }
    return Math.sqrt(sq) / list.length;
  }
}

/**
 * A single word becomes a topic only when at least this share of its papers have it in the title:
 * a word that names a field ("quantization", "personalization") shows in titles, while a word the
 * abstracts merely use a lot ("class", "channel", "development") does not.
 */
const SINGLE_WORD_TITLE_SHARE = 0.25;

/** A phrase in the cheap cuts: `score` orders them, `base` is the part its quality keeps. */
interface Rough { key: string; id: number; list: number[]; t: number; score: number; base: number }

/**
 * The phrases worth choosing from, with their quality. Cheap cuts first (length, title use, size;
 * then centrality), so the costlier coherence is measured for the best few hundred phrases only.
 */
function rankCandidates(lists: PaperLists, counts: PhraseCounts, phraseKeys: PhraseKeys, excluded: Set<number>, coherence: Coherence, depth: number, n: number): Candidate[] {
  const maxCandidates = MAX_CANDIDATES[depth ? 1 : 0];
  // Coherence is measured on at most this many of a phrase's papers, evenly spaced (deterministic).
  const sampleSize = COHERENCE_SAMPLE[depth ? 1 : 0];
  const baseline = coherence.of(spaced(Array.from({ length: n }, (_, i) => i), sampleSize), []);
  const first: Rough[] = [];
  for (let j = 0; j < lists.ids.length; j++) {
    const id = lists.ids[j], list = lists.lists[j];
    // Subtopics leave out their parent topic's words.
    if (excluded.size && phraseKeys.hasWordOf(id, excluded)) continue;
    const t = counts.titleDf[id];
    // A word on its own names a field only if titles use it too (see SINGLE_WORD_TITLE_SHARE).
    if (phraseKeys.length[id] === 1 && t < SINGLE_WORD_TITLE_SHARE * list.length) continue;
    first.push({ key: phraseKeys.keyOf(id), id, list, t, score: lengthBonus(phraseKeys.length[id]) * (1 + t / list.length) * Math.log(list.length), base: 0 });
  }
  const rough: Rough[] = [];
  for (const f of best(first, maxCandidates * 3)) {
    const centrality = Math.min(3, counts.weightSum[f.id] / f.list.length);
    const base = lengthBonus(phraseKeys.length[f.id]) * (1 + f.t / f.list.length) * Math.sqrt(centrality);
    rough.push({ key: f.key, id: f.id, list: f.list, t: f.t, score: base * Math.log(f.list.length), base });
  }
  const candidates: Candidate[] = [];
  for (const r of best(rough, maxCandidates)) {
    // The phrase's own words are left out, or every phrase would look coherent by itself.
    const ownWords = r.key.split(' ').map((w) => phraseKeys.unigram(w)).filter((u): u is number => u !== undefined);
    const lift = coherence.of(spaced(r.list, sampleSize), ownWords) / Math.max(baseline, 1e-9);
    candidates.push({ key: r.key, id: r.id, docs: r.list, quality: r.base * lift * lift });
  }
  candidates.sort((a, b) => (a.key < b.key ? -1 : 1));
  return candidates;
}

/**
 * The `k` best by byScore, in that order: as sorting them all and keeping `k`, without sorting
 * thousands by comparison (the scores alone sort natively; ties at the cut stay in).
 */
function best(items: Rough[], k: number): Rough[] {
  if (items.length > k) {
    const cut = Float64Array.from(items, (r) => r.score).sort()[items.length - k];
    items = items.filter((r) => r.score >= cut);
  }
  return items.sort(byScore).slice(0, k);
}

function byScore(a: Rough, b: Rough): number {
  return b.score - a.score || (a.key < b.key ? -1 : 1);
}

interface Ranked { c: Candidate; gain: number }

/**
 * Greedy: the phrase adding the most not-yet-covered papers (weighed by quality) next, until
 * `maxTopics` or gains too small. A phrase whose papers mostly sit under a chosen topic says the
 * same thing and is skipped.
 */
function chooseTopics(candidates: Candidate[], n: number, minDf: number, maxPerPaper: number, maxTopics: number): Candidate[] {
  const covered = new Int32Array(n);
  const minGain = Math.pow(minDf, 0.7) * 1.5;
  const chosen: Candidate[] = [];
  const used = new Set<string>();
  const gainOf = (c: Candidate): number => {
    let fresh = 0;
    for (const i of c.docs) if (covered[i] < maxPerPaper) fresh += covered[i] === 0 ? 1 : 0.25;
    return c.quality * Math.pow(fresh, 0.7);
  };
  // Lazy greedy: coverage gains only shrink as topics are chosen, so a stale gain is an upper
  // bound and only the candidate on top needs re-evaluating.
  const heap: Ranked[] = candidates.map((c) => ({ c, gain: gainOf(c) }));
  heap.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  while (chosen.length < maxTopics && heap.length) {
    const top = heap[0];
    const fresh = gainOf(top.c);
    if (fresh < top.gain) {
      // Stale: put it back where its new gain belongs (the list stays sorted).
      heap.shift();
      top.gain = fresh;
      let lo = 0, hi = heap.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (better(heap[mid], top)) lo = mid + 1; else hi = mid; }
      heap.splice(lo, 0, top);
      continue;
    }
    heap.shift();
    if (fresh < minGain) break;
    const best = top.c;
    // A phrase whose papers all have topics already adds a second heading over them, not a topic.
    if (uncovered(best, covered) < MIN_NEW_PAPERS * minDf) continue;
    if (used.has(best.key)) continue;
    used.add(best.key);
    if (repeatsChosen(best, chosen)) continue;
    chosen.push(best);
    for (const i of best.docs) covered[i]++;
  }
  return chosen;
}

/** A topic is chosen only if at least this share of the smallest topic size (minDf) are papers with no topic yet. */
const MIN_NEW_PAPERS = 0.5;

function uncovered(c: Candidate, covered: Int32Array): number {
  let n = 0;
  for (const i of c.docs) if (covered[i] === 0) n++;
  return n;
}

function better(a: Ranked, b: Ranked): boolean {
  return a.gain > b.gain || (a.gain === b.gain && a.c.key < b.c.key);
}

/** Whether most of the papers of `c` or of a chosen topic (the smaller) are in both. */
function repeatsChosen(c: Candidate, chosen: Candidate[]): boolean {
  const set = new Set(c.docs);
  return chosen.some((other) => {
    let inter = 0;
    for (const i of other.docs) if (set.has(i)) inter++;
    return inter >= 0.6 * Math.min(other.docs.length, c.docs.length);
  });
}

/** Each paper under at most maxPerPaper of the chosen topics (Assigner). */
function assignPapers(docs: Doc[], assigner: Assigner, chosen: readonly Candidate[]): Map<Candidate, string[]> {
  const assigned = new Map<Candidate, string[]>();
  for (const d of docs) {
    for (const i of assigner.of(d.tokens)) {
      const c = chosen[i];
      const l = assigned.get(c);
      if (l) l.push(d.key); else assigned.set(c, [d.key]);
    }
  }
  return assigned;
}

/** A topic is shown by a longer phrase holding its own when at least this share of its papers use it. */
const FULLER_NAME_SHARE = 0.8;

/** A longer phrase holding a topic's: its key, and in how many of the sampled papers and titles it occurs. */
interface Longer { key: string; papers: number; titles: number }

/** Per phrase key: the listed phrases one word longer that hold it ("augmented generation": "retrieval augmented generation"). */
function longerPhrases(lists: PaperLists, counts: PhraseCounts, phraseKeys: PhraseKeys): Map<string, Longer[]> {
  const longer = new Map<string, Longer[]>();
  lists.ids.forEach((id, j) => {
    if (phraseKeys.length[id] < 2) return;
    const key = phraseKeys.keyOf(id);
    const words = key.split(' ');
    for (const shorter of new Set([words.slice(1).join(' '), words.slice(0, -1).join(' ')])) {
      (longer.get(shorter) ?? longer.set(shorter, []).get(shorter)!).push({ key, papers: lists.lists[j].length, titles: counts.titleDf[id] });
    }
  });
  return longer;
}

/**
 * The phrase a topic is shown by: its own, or the longest phrase holding it that most of its papers
 * and the titles among them use ("retrieval augmented generation" for "augmented generation", "post
 * training quantization"), since a phrase cut short of the term the papers write reads as a fragment.
 * Titles must agree so that a turn of phrase the abstracts share ("... matters") is not taken for the term.
 */
function fullerName(c: Candidate, titles: number, longer: Map<string, Longer[]>): string {
  let key = c.key;
  for (;;) {
    const next = (longer.get(key) ?? []).filter((l) => l.papers >= FULLER_NAME_SHARE * c.docs.length && l.titles >= Math.max(1, FULLER_NAME_SHARE * titles))
      .sort((a, b) => b.papers - a.papers || (a.key < b.key ? -1 : 1))[0];
    if (!next) return key;
    key = next.key;
  }
}

/** Longer phrases say more about a paper than single words. */
function lengthBonus(words: number): number {
  return words === 1 ? 1 : words === 2 ? 1.6 : 1.8;
}

/** The phrase as it is most often written in these papers. */
function displayName(c: Candidate, docs: Doc[], table: WordTable): string {
  const votes = new Map<string, number>();
  for (const i of c.docs) {
    const s = surfaceOf(c.nameKey ?? c.key, docs[i].tokens, table);
    if (s) votes.set(s, (votes.get(s) ?? 0) + 1);
  }
  return [...votes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? c.nameKey ?? c.key;
}

/** Subtopics are chosen from the papers the level above sampled when there are at least this many. */
const MIN_LISTED_SAMPLE = 60;

/**
 * At most `size` papers to choose topics from, deterministic: papers whose phrases are already
 * listed (sampled by the level above) when there are enough, else those and evenly spaced others.
 */
function selectionSample(docs: Doc[], size: number): Doc[] {
  if (docs.length <= size) return docs;
  const listed = docs.filter((d) => d.phrases);
  if (listed.length >= Math.min(size, MIN_LISTED_SAMPLE)) return spaced(listed, size);
  const rest = spaced(docs.filter((d) => !d.phrases), size - listed.length);
  const chosen = new Set([...listed, ...rest]);
  return docs.filter((d) => chosen.has(d)); // library order, whichever way a paper was picked
}

function spaced<T>(xs: T[], size: number): T[] {
  if (xs.length <= size) return xs;
  const stride = xs.length / size;
  return Array.from({ length: size }, (_, j) => xs[Math.floor(j * stride)]);
}
