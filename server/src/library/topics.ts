import type { Library, Paper } from './library';
import { paperPhrases, PaperPhrases, PaperTokens, PhraseKeys, PhraseMatcher, surfaceOf, tokenize, WordTable } from './phrases';

/** What topic computation needs of a paper: plain data, so it can be sent to a worker thread. */
export interface TopicPaper {
  key: string;
  title: string;
  abstract: string;
  topics: string[];
  /** Whether `topics` are tags written in the note or the folder the note sits in. */
  topicKind: 'tag' | 'folder';
}

export function topicPapers(library: Library): TopicPaper[] {
  return library.papers().map((p) => ({
    key: p.key,
    title: p.title,
    abstract: p.abstract ?? '',
    topics: p.topics,
    topicKind: p.topics.length && !hasTagField(p) ? 'folder' : 'tag',
  }));
}

/** A node of the topic tree: topic -> subtopics -> paper keys, with counts. */
export interface TopicNode {
  /** Unique, stable id (kind + path). */
  id: string;
  name: string;
  kind: 'tag' | 'folder' | 'derived' | 'vocabulary';
  /** Papers in this node and its subtopics. */
  count: number;
  /** Papers directly here. */
  papers: string[];
  children: TopicNode[];
}

export interface TopicOptions {
  auto: boolean;
  maxPerPaper: number;
  /** Topic name -> words or phrases; takes precedence over derived topics. */
  vocabulary: Record<string, string[]>;
}

export const DEFAULT_TOPIC_OPTIONS: TopicOptions = { auto: true, maxPerPaper: 3, vocabulary: {} };

/** A paper in topic derivation: its tokens always, its full phrase list only once it is sampled. */
interface Doc { key: string; tokens: PaperTokens; phrases?: PaperPhrases }

/**
 * Tokenized papers, cached by the text they came from, so recomputing after a change re-reads only
 * changed papers. Word ids are a few bytes per word (~9 MB at 12k abstracts); full phrase lists
 * are not kept, as they would be ~50 times that.
 */
export class PhraseCache {
  readonly table = new WordTable();
  private readonly byKey = new Map<string, { title: string; abstract: string; tokens: PaperTokens }>();
  tokens(paper: TopicPaper): PaperTokens {
    const hit = this.byKey.get(paper.key);
    if (hit && hit.title === paper.title && hit.abstract === paper.abstract) return hit.tokens;
    const tokens = { title: tokenize(paper.title, this.table), abstract: tokenize(paper.abstract, this.table) };
    this.byKey.set(paper.key, { title: paper.title, abstract: paper.abstract, tokens });
    return tokens;
  }
  phrases(doc: Doc, keys: PhraseKeys): PaperPhrases {
    return (doc.phrases ??= paperPhrases(doc.tokens, this.table, keys));
  }
  /** Forget papers no longer in the library. */
  retain(keys: Set<string>): void {
    for (const k of this.byKey.keys()) if (!keys.has(k)) this.byKey.delete(k);
  }
}

/**
 * The topic tree: tags and folders of notes; for papers without either, the user's vocabulary,
 * then topics derived from the text. It runs in a worker thread (topicsWorker.ts), in one go: as
 * a generator sliced for the server thread, its long loops could not be optimised while running
 * (V8 does not switch a running generator to optimised code), which cost ~7 % at M.
 */
export function computeTopicTree(papers: readonly TopicPaper[], options: TopicOptions, cache: PhraseCache): TopicNode[] {
  const roots: TopicNode[] = [];
  const tagRoot = new Map<string, TopicNode>();
  const untagged: TopicPaper[] = [];
  for (const p of papers) {
    if (p.topics.length === 0) { untagged.push(p); continue; }
    for (const t of p.topics) addPath(tagRoot, t.split('/'), p.topicKind, p.key);
  }
  roots.push(...tagRoot.values());

  // The user's vocabulary first: a paper it names gets those topics and no derived ones.
  const vocab = Object.entries(options.vocabulary).filter(([name, words]) => name.trim() && Array.isArray(words) && words.length);
  const needDerived: TopicPaper[] = [];
  if (vocab.length) {
    const matchers = vocab.map(([name, words]) => ({ name, re: new RegExp(`\\b(${words.map((w) => escapeRe(String(w).toLowerCase()).replace(/[\s-]+/g, '[\\s-]+')).join('|')})`, 'i') }));
    const vocabNodes = new Map<string, TopicNode>();
    for (const p of untagged) {
      const text = `${p.title}\n${p.abstract}`;
      const hits = matchers.filter((m) => m.re.test(text)).slice(0, options.maxPerPaper);
      if (!hits.length) { needDerived.push(p); continue; }
      for (const h of hits) {
        let node = vocabNodes.get(h.name);
        if (!node) vocabNodes.set(h.name, (node = { id: `vocabulary:${h.name}`, name: h.name, kind: 'vocabulary', count: 0, papers: [], children: [] }));
        node.papers.push(p.key);
      }
    }
    roots.push(...vocabNodes.values());
  } else {
    needDerived.push(...untagged);
  }

  if (options.auto && needDerived.length >= 4) {
    const docs: Doc[] = [];
    for (const p of needDerived) docs.push({ key: p.key, tokens: cache.tokens(p) });
    const derived = deriveTopics(docs, options.maxPerPaper, [], 0, cache, new PhraseKeys(cache.table));
    // Full phrase lists were for this computation only.
    for (const d of docs) d.phrases = undefined;
    roots.push(...derived);
  }
  cache.retain(new Set(papers.map((p) => p.key)));
  for (const r of roots) finish(r);
  const order = { tag: 0, folder: 1, vocabulary: 2, derived: 3 };
  roots.sort((a, b) => order[a.kind] - order[b.kind] || (a.kind === 'derived' ? b.count - a.count : 0) || a.name.localeCompare(b.name));
  return roots;
}

function hasTagField(p: Paper): boolean {
  // Folder topics are stored like tags; tell them apart by whether the note path ends with them.
  const rel = p.note?.uri ?? '';
  return !p.topics.every((t) => rel.includes(`/${t}/`));
}

function addPath(level: Map<string, TopicNode>, parts: string[], kind: 'tag' | 'folder', key: string, prefix = ''): void {
  const [head, ...rest] = parts;
  const path = prefix ? `${prefix}/${head}` : head;
  let node = level.get(head);
  if (!node) level.set(head, (node = { id: `${kind}:${path}`, name: head, kind, count: 0, papers: [], children: [] }));
  if (rest.length === 0) { if (!node.papers.includes(key)) node.papers.push(key); return; }
  const children = new Map(node.children.map((c) => [c.name, c]));
  addPath(children, rest, kind, key, path);
  node.children = [...children.values()];
}

function finish(node: TopicNode): Set<string> {
  const all = new Set(node.papers);
  node.papers.sort();
  for (const c of node.children) for (const k of finish(c)) all.add(k);
  node.children.sort((a, b) => (a.kind === 'derived' ? b.count - a.count : 0) || a.name.localeCompare(b.name));
  node.count = all.size;
  return all;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Candidate { key: string; id: number; docs: number[]; quality: number; titleDf: number }

/** How many phrases get the (costlier) coherence measure, and on how many of their papers, per level. */
const MAX_CANDIDATES = [600, 150];
const COHERENCE_SAMPLE = [120, 60];
/** Topics (and subtopics) are chosen from at most this many papers; all papers are then assigned. */
const SELECTION_SAMPLE = [2000, 200];
/** Subtopics are derived for this many of the largest topics. */
const MAX_SPLIT_TOPICS = 8;

/**
 * Choose distinctive phrases that together cover the papers: document frequency within bounds,
 * longer phrases and title phrases preferred, greedy by how many not-yet-covered papers a phrase
 * adds, skipping phrases whose papers mostly belong to a chosen one. Big topics get subtopics.
 */
function deriveTopics(allDocs: Doc[], maxPerPaper: number, excludeWords: string[], depth: number, cache: PhraseCache, phraseKeys: PhraseKeys): TopicNode[] {
  // Topics are chosen on an evenly spaced sample of a large library (deterministic), then every
  // paper is assigned to the chosen topics by its own phrases.
  const docs = selectionSample(allDocs, SELECTION_SAMPLE[depth ? 1 : 0]);
  const n = docs.length;
  const phrases: PaperPhrases[] = [];
  for (const d of docs) phrases.push(cache.phrases(d, phraseKeys));
  const minDf = Math.max(depth ? 2 : 3, Math.ceil(n * 0.015));
  const maxDf = Math.max(minDf + 1, Math.floor(n * (depth ? 0.6 : 0.22)));
  // Document frequencies by counting first; paper lists only for phrases within the bounds
  // (most phrases occur once, and a list for each of them was most of the cost).
  const phraseCount = phraseKeys.length.length;
  const dfCount = new Int32Array(phraseCount);
  const titleDf = new Int32Array(phraseCount);
  /** A phrase's weights summed over the papers (in paper order), for its centrality. */
  const weightSum = new Float64Array(phraseCount);
  for (let i = 0; i < docs.length; i++) {
    const { ids, weights, inTitle } = phrases[i];
    for (let j = 0; j < ids.length; j++) {
      const k = ids[j];
      dfCount[k]++;
      weightSum[k] += weights[j];
      if (inTitle[j]) titleDf[k]++;
    }
  }
  const df = new Map<number, number[]>();
  for (let i = 0; i < docs.length; i++) {
    for (const k of phrases[i].ids) {
      if (dfCount[k] < minDf || dfCount[k] > maxDf) continue;
      const list = df.get(k);
      if (list) list.push(i); else df.set(k, [i]);
    }
  }
  // Unit tf-idf vectors over single words: a phrase separates the library well when the papers
  // that contain it are alike (their vectors point the same way), more than papers in general.
  // Sparse vectors as parallel arrays (word phrase ids, values), in the paper's phrase order.
  const vectors: { ids: Int32Array; values: Float64Array }[] = [];
  const wordIds: number[] = [], wordValues: number[] = [];
  for (const d of phrases) {
    wordIds.length = 0;
    wordValues.length = 0;
    let norm = 0;
    for (let j = 0; j < d.ids.length; j++) {
      const k = d.ids[j];
      if (phraseKeys.length[k] !== 1) continue;
      const x = Math.log(1 + d.weights[j]) * Math.log(n / dfCount[k]);
      if (x > 0) { wordIds.push(k); wordValues.push(x); norm += x * x; }
    }
    norm = Math.sqrt(norm) || 1;
    const values = Float64Array.from(wordValues);
    for (let j = 0; j < values.length; j++) values[j] /= norm;
    vectors.push({ ids: Int32Array.from(wordIds), values });
  }
  // Summed per word id, in the order words are first met (so the sum of squares adds up in a fixed order).
  const sum = new Float64Array(phraseCount);
  const met: number[] = [];
  const coherence = (list: number[], skip: number[]): number => {
    met.length = 0;
    for (const i of list) {
      const { ids, values } = vectors[i];
      for (let j = 0; j < ids.length; j++) {
        const k = ids[j];
        if (skip.length && skip.includes(k)) continue;
        if (sum[k] === 0) met.push(k);
        sum[k] += values[j];
      }
    }
    let sq = 0;
    for (const k of met) { sq += sum[k] * sum[k]; sum[k] = 0; }
    return Math.sqrt(sq) / list.length;
  };
  // Coherence is measured on at most this many of a phrase's papers, evenly spaced (deterministic).
  const sample = (list: number[]): number[] => spaced(list, COHERENCE_SAMPLE[depth ? 1 : 0]);
  const baseline = coherence(sample(docs.map((_, i) => i)), []);
  // Cheap cuts first (length, title use, size; then centrality), so the costlier coherence is
  // measured for the best few hundred phrases only.
  const maxCandidates = MAX_CANDIDATES[depth ? 1 : 0];
  const first: { key: string; id: number; list: number[]; t: number; score: number; words: number }[] = [];
  /** Folded word ids of the words subtopics leave out (their parent topic's). */
  const excluded = new Set(excludeWords.map((w) => cache.table.foldedIdOf(w)).filter((f): f is number => f !== undefined));
  for (const [id, list] of df) {
    const key = phraseKeys.keyOf(id);
    if (excluded.size && phraseKeys.hasWordOf(id, excluded)) continue;
    const t = titleDf[id];
    const words = phraseKeys.length[id];
    first.push({ key, id, list, t, words, score: lengthBonus(words) * (1 + t / list.length) * Math.log(list.length) });
  }
  first.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1));
  const rough: { key: string; id: number; list: number[]; t: number; base: number }[] = [];
  for (const f of first.slice(0, maxCandidates * 3)) {
    const centrality = Math.min(3, weightSum[f.id] / f.list.length);
    rough.push({ key: f.key, id: f.id, list: f.list, t: f.t, base: lengthBonus(f.words) * (1 + f.t / f.list.length) * Math.sqrt(centrality) });
  }
  rough.sort((a, b) => b.base * Math.log(b.list.length) - a.base * Math.log(a.list.length) || (a.key < b.key ? -1 : 1));
  const candidates: Candidate[] = [];
  for (const r of rough.slice(0, maxCandidates)) {
    // The phrase's own words are left out, or every phrase would look coherent by itself.
    const ownWords = r.key.split(' ').map((w) => phraseKeys.unigram(w)).filter((u): u is number => u !== undefined);
    const lift = coherence(sample(r.list), ownWords) / Math.max(baseline, 1e-9);
    candidates.push({ key: r.key, id: r.id, docs: r.list, titleDf: r.t, quality: r.base * lift * lift });
  }
  candidates.sort((a, b) => (a.key < b.key ? -1 : 1));

  const covered = new Int32Array(n);
  const minGain = Math.pow(minDf, 0.7) * 1.5;
  const chosen: Candidate[] = [];
  const maxTopics = depth ? 6 : Math.max(5, Math.min(200, Math.round(n / 4)));
  const used = new Set<string>();
  const gainOf = (c: Candidate): number => {
    let fresh = 0;
    for (const i of c.docs) if (covered[i] < maxPerPaper) fresh += covered[i] === 0 ? 1 : 0.25;
    return c.quality * Math.pow(fresh, 0.7);
  };
  // Lazy greedy: coverage gains only shrink as topics are chosen, so a stale gain is an upper
  // bound and only the candidate on top needs re-evaluating.
  const heap = candidates.map((c) => ({ c, gain: gainOf(c) }));
  const better = (a: { c: Candidate; gain: number }, b: { c: Candidate; gain: number }) => a.gain > b.gain || (a.gain === b.gain && a.c.key < b.c.key);
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
    if (used.has(best.key)) continue;
    used.add(best.key);
    // A phrase whose papers mostly sit under a chosen topic says the same thing: skip it.
    const set = new Set(best.docs);
    const duplicate = chosen.some((c) => {
      let inter = 0;
      for (const i of c.docs) if (set.has(i)) inter++;
      return inter >= 0.6 * Math.min(c.docs.length, best.docs.length);
    });
    if (duplicate) continue;
    chosen.push(best);
    for (const i of best.docs) covered[i]++;
  }

  // Each paper under at most maxPerPaper of the chosen topics: the ones where the phrase weighs most.
  const assigned = new Map<Candidate, string[]>();
  const matcher = new PhraseMatcher(chosen, cache.table);
  const chosenById = new Map(chosen.map((c) => [c.id, c]));
  for (const d of allDocs) {
    const weights = matcher.weights(d.tokens, cache.table);
    // The matcher finds chosen phrases only; the sort is a total order, so the list's order before it does not matter.
    const mine = Array.from(weights.keys(), (id) => chosenById.get(id)!)
      .sort((a, b) => weights.get(b.id)! * b.quality - weights.get(a.id)! * a.quality || (a.key < b.key ? -1 : 1))
      .slice(0, maxPerPaper);
    for (const c of mine) { const l = assigned.get(c); if (l) l.push(d.key); else assigned.set(c, [d.key]); }
  }
  const nodes: TopicNode[] = [];
  const splitting = new Set([...assigned.entries()].filter(([, k]) => k.length >= 12).sort((a, b) => b[1].length - a[1].length || (a[0].key < b[0].key ? -1 : 1)).slice(0, MAX_SPLIT_TOPICS).map(([c]) => c));
  for (const c of chosen) {
    const keys = assigned.get(c) ?? [];
    if (keys.length < 2) continue;
    const node: TopicNode = { id: `derived:${c.key}`, name: displayName(c, docs, cache.table), kind: 'derived', count: keys.length, papers: keys, children: [] };
    if (depth === 0 && splitting.has(c)) {
      const keySet = new Set(keys);
      const sub = allDocs.filter((d) => keySet.has(d.key));
      node.children = deriveTopics(sub, 1, [...excludeWords, ...c.key.split(' ')], depth + 1, cache, phraseKeys).map((ch) => ({ ...ch, id: `${node.id}/${ch.id.slice('derived:'.length)}` }));
    }
    nodes.push(node);
  }
  return nodes;
}

/** Longer phrases say more about a paper than single words. */
function lengthBonus(words: number): number {
  return words === 1 ? 1 : words === 2 ? 1.6 : 1.8;
}

/** The phrase as it is most often written in these papers. */
function displayName(c: Candidate, docs: Doc[], table: WordTable): string {
  const votes = new Map<string, number>();
  for (const i of c.docs) {
    const s = surfaceOf(c.key, docs[i].tokens, table);
    if (s) votes.set(s, (votes.get(s) ?? 0) + 1);
  }
  return [...votes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? c.key;
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
