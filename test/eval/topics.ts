import * as fs from 'fs';
import * as path from 'path';
import { Library } from '../../server/src/model/library';
import { parseFile } from '../../server/src/parse/parseFile';
import { computeTopicTree, DEFAULT_TOPIC_OPTIONS, PhraseCache, TopicNode, topicPapers } from '../../server/src/topics/topics';
import { stemOf } from '../../server/src/topics/fields';

/**
 * `npm run eval:topics [set]`: how close the derived topic tree comes to the groups a researcher
 * would draw, on the sample digest labelled by hand and on a larger set of arXiv papers labelled by
 * the topic they were gathered under, against a baseline computed in the same run (TF-IDF + k-means
 * over the same titles and abstracts).
 *
 * Pair precision and recall: over every pair of papers, "related" when they share a label, and
 * "put together" when they share a topic at any level (the baseline: the same cluster). Names: the
 * on the sample digest, the share of top-level topics whose name is in the labels' list of names a
 * reader would accept; on the larger set, the share whose name shares a word with its papers' label.
 */

const ROOT = path.resolve(__dirname, '../../..');

interface LabelledSet {
  name: string;
  /** Digest file, relative to the repository, and its path as the library sees it. */
  digest: string;
  relativePath: string;
  labels: string;
  /** How top-level names are judged: a written-down list of accepted names, or the papers' own labels. */
  names: 'listed' | 'labels';
}

const SETS: LabelledSet[] = [
  { name: 'Sample digest', digest: 'test/fixtures/library/digests/daily-papers-sep-8.txt', relativePath: 'digests/daily-papers-sep-8.txt', labels: 'test/fixtures/topics/sample-digest-labels.json', names: 'listed' },
  { name: 'arXiv topic set', digest: 'test/fixtures/topics/arxiv-topics.json', relativePath: 'digests/arxiv-topics.json', labels: 'test/fixtures/topics/arxiv-topics-labels.json', names: 'labels' },
];

interface Scores { topics: number; topLevel: number; coverage: number; largestShare: number; precision: number; recall: number; f1: number; names: string[]; accepted?: number }

function main(): void {
  const only = process.argv[2]?.toLowerCase();
  for (const set of SETS) if (!only || set.name.toLowerCase().includes(only)) evaluate(set);
}

function evaluate(set: LabelledSet): void {
  const library = new Library();
  library.setFile(parseFile(`file:///eval/${set.relativePath}`, set.relativePath, 'digest', fs.readFileSync(path.join(ROOT, set.digest), 'utf8')).entry);
  library.rebuild();
  const papers = topicPapers(library);
  const labelFile = JSON.parse(fs.readFileSync(path.join(ROOT, set.labels), 'utf8'));
  const labels: Record<string, string[]> = labelFile.groups;
  const truth = papers.map((p) => {
    const l = labels[p.title];
    if (!l) throw new Error(`${set.name}: no label for "${p.title}"`);
    return new Set(l);
  });

  const started = Date.now();
  const tree = computeTopicTree(papers, DEFAULT_TOPIC_OPTIONS, new PhraseCache());
  const derivedMs = Date.now() - started;
  const leaves = new Map<string, Set<string>>(); // paper key -> leaf topic ids
  const sizes: number[] = [];
  let topics = 0;
  const walk = (nodes: TopicNode[]) => {
    for (const n of nodes) {
      topics++;
      sizes.push(n.count);
      for (const k of n.papers) (leaves.get(k) ?? leaves.set(k, new Set()).get(k)!).add(n.id);
      walk(n.children);
    }
  };
  walk(tree);
  const derived = score(papers.map((p) => leaves.get(p.key) ?? new Set()), truth, {
    topics, topLevel: tree.length, largest: Math.max(0, ...sizes), names: tree.map((n) => `${n.name} (${n.count})`),
  });
  const labelOf = new Map(papers.map((p, i) => [p.key, truth[i]]));
  const accepted = set.names === 'listed' ? acceptedByList(tree, new Set<string>(labelFile.acceptableNames)) : acceptedByLabels(tree, labelOf);
  derived.accepted = accepted / Math.max(1, tree.length);

  const k = new Set(Object.values(labels).flat()).size;
  const clusters = kMeansBaseline(papers.map((p) => `${p.title} ${p.abstract}`), k);
  const baseline = score(clusters.assignment.map((c) => new Set([String(c)])), truth, {
    topics: k, topLevel: k, largest: Math.max(...countBy(clusters.assignment)), names: clusters.names,
  });

  const row = (label: string, f: (s: Scores) => string) => `| ${label} | ${f(derived)} | ${f(baseline)} |`;
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  const judged = set.names === 'listed' ? 'in the list of accepted names' : 'sharing a word with their papers\' main label';
  console.log(`## ${set.name}: ${papers.length} papers, ${k} labelled groups (${set.labels}); derived in ${derivedMs} ms.\n`);
  console.log('| | derived topics | TF-IDF + k-means (k = groups) |\n|---|---|---|');
  console.log(row('topics (top level)', (s) => `${s.topics} (${s.topLevel})`));
  console.log(row('coverage', (s) => pct(s.coverage)));
  console.log(row('largest topic', (s) => pct(s.largestShare)));
  console.log(row('pair precision', (s) => s.precision.toFixed(2)));
  console.log(row('pair recall', (s) => s.recall.toFixed(2)));
  console.log(row('pair F1', (s) => s.f1.toFixed(2)));
  console.log(row(`top-level names ${judged}`, (s) => (s.accepted === undefined ? 'n/a (term lists)' : `${pct(s.accepted)} (${accepted} of ${tree.length})`)));
  console.log(`\nDerived tree:\n${outline(tree, '  ')}`);
  console.log(`Baseline clusters (top terms): ${baseline.names.join('; ')}\n`);
}

function acceptedByList(tree: TopicNode[], acceptable: Set<string>): number {
  return tree.filter((n) => acceptable.has(n.name.toLowerCase())).length;
}

/**
 * A top-level name judged by the labels themselves: accepted when it shares a content word (by stem)
 * with the label most of the topic's papers carry. Mechanical, so a larger set needs no list.
 */
function acceptedByLabels(tree: TopicNode[], labelOf: Map<string, Set<string>>): number {
  const stems = (text: string) => new Set((text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => !STOP.has(w)).map(stemOf));
  return tree.filter((n) => {
    const counts = new Map<string, number>();
    for (const key of n.papers) for (const l of labelOf.get(key) ?? []) counts.set(l, (counts.get(l) ?? 0) + 1);
    const main = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    if (!main) return false;
    const wanted = stems(main);
    return [...stems(n.name)].some((s) => wanted.has(s));
  }).length;
}

function outline(nodes: TopicNode[], indent: string): string {
  return nodes.map((n) => `${indent}${n.name} (${n.count})${n.children.length ? `\n${outline(n.children, `${indent}  `)}` : ''}`).join('\n');
}

function score(predicted: Set<string>[], truth: Set<string>[], shape: { topics: number; topLevel: number; largest: number; names: string[] }): Scores {
  let tp = 0, fp = 0, fn = 0;
  const shares = (a: Set<string>, b: Set<string>) => { for (const x of a) if (b.has(x)) return true; return false; };
  for (let i = 0; i < truth.length; i++) {
    for (let j = i + 1; j < truth.length; j++) {
      const related = shares(truth[i], truth[j]), together = shares(predicted[i], predicted[j]);
      if (related && together) tp++; else if (together) fp++; else if (related) fn++;
    }
  }
  const precision = tp + fp ? tp / (tp + fp) : 0, recall = tp + fn ? tp / (tp + fn) : 0;
  return {
    topics: shape.topics, topLevel: shape.topLevel, names: shape.names,
    coverage: predicted.filter((p) => p.size > 0).length / truth.length,
    largestShare: shape.largest / truth.length,
    precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

function countBy(xs: number[]): number[] {
  const c = new Map<number, number>();
  for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
  return [...c.values()];
}

const STOP = new Set('a an the of for and or in on at to with by from as via is are was were be been this that these those we our it its their which can has have not but than into over under such using based also both more most while when where how what large language model models llm llms paper propose proposed show results approach method methods new two task tasks data performance'.split(' '));

/** TF-IDF vectors (words of three letters or more, minus common and generic words), unit length. */
function tfidf(texts: string[]): { vectors: Map<number, number>[]; vocabulary: string[] } {
  const docs = texts.map((t) => (t.toLowerCase().match(/[a-z][a-z-]{2,}/g) ?? []).filter((w) => !STOP.has(w)));
  const df = new Map<string, number>();
  for (const d of docs) for (const w of new Set(d)) df.set(w, (df.get(w) ?? 0) + 1);
  const vocabulary = [...df.keys()].filter((w) => df.get(w)! >= 2).sort();
  const index = new Map(vocabulary.map((w, i) => [w, i]));
  const vectors = docs.map((d) => {
    const v = new Map<number, number>();
    for (const w of d) { const i = index.get(w); if (i !== undefined) v.set(i, (v.get(i) ?? 0) + 1); }
    let norm = 0;
    for (const [i, tf] of v) { const x = tf * Math.log(docs.length / df.get(vocabulary[i])!); v.set(i, x); norm += x * x; }
    norm = Math.sqrt(norm) || 1;
    for (const [i, x] of v) v.set(i, x / norm);
    return v;
  });
  return { vectors, vocabulary };
}

/** Spherical k-means, k-means++ seeding from a fixed seed (so the same run gives the same clusters), best of 10 restarts. */
function kMeansBaseline(texts: string[], k: number): { assignment: number[]; names: string[] } {
  const { vectors, vocabulary } = tfidf(texts);
  const dims = vocabulary.length;
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const dot = (v: Map<number, number>, c: Float64Array) => { let s = 0; for (const [i, x] of v) s += x * c[i]; return s; };
  let best: { assignment: number[]; centroids: Float64Array[]; fit: number } | undefined;
  for (let restart = 0; restart < 10; restart++) {
    const centroids: Float64Array[] = [];
    const toDense = (v: Map<number, number>) => { const c = new Float64Array(dims); for (const [i, x] of v) c[i] = x; return c; };
    centroids.push(toDense(vectors[Math.floor(random() * vectors.length)]));
    while (centroids.length < k) {
      const d = vectors.map((v) => 1 - Math.max(...centroids.map((c) => dot(v, c))));
      const total = d.reduce((a, b) => a + b, 0);
      let r = random() * total, pick = 0;
      while (pick < d.length - 1 && (r -= d[pick]) > 0) pick++;
      centroids.push(toDense(vectors[pick]));
    }
    let assignment: number[] = [];
    for (let iteration = 0; iteration < 50; iteration++) {
      const next = vectors.map((v) => { let b = 0, bs = -Infinity; centroids.forEach((c, j) => { const s = dot(v, c); if (s > bs) { bs = s; b = j; } }); return b; });
      const same = next.every((x, i) => x === assignment[i]);
      assignment = next;
      if (same) break;
      for (let j = 0; j < k; j++) {
        const c = new Float64Array(dims);
        vectors.forEach((v, i) => { if (assignment[i] === j) for (const [d, x] of v) c[d] += x; });
        const norm = Math.sqrt(c.reduce((a, x) => a + x * x, 0)) || 1;
        centroids[j] = c.map((x) => x / norm);
      }
    }
    const fit = vectors.reduce((a, v, i) => a + dot(v, centroids[assignment[i]]), 0);
    if (!best || fit > best.fit) best = { assignment, centroids, fit };
  }
  const names = best!.centroids.map((c, j) => {
    const top = [...c.keys()].sort((a, b) => c[b] - c[a]).slice(0, 3).map((i) => vocabulary[i]);
    return `${top.join(' ')} (${best!.assignment.filter((x) => x === j).length})`;
  });
  return { assignment: best!.assignment, names };
}

main();
