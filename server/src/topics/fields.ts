import type { PaperTokens, WordTable } from './phrases';

/**
 * Fields: derived topics that say the same thing grouped under one parent. Two topics are one
 * field when the papers under them read alike (their word centroids are close), and more readily
 * when their names are variants of one another: the same word stems ("rankers", "ranking models",
 * "neural ranking"), or an acronym and the long form an abstract defines it by ("LoRA" for
 * "low-rank adaptation").
 */

/** Suffixes stripped so word variants meet (ranker, ranking -> rank), longest first. */
const SUFFIXES = ['ization', 'isation', 'ation', 'ition', 'ings', 'ing', 'ers', 'er', 'ment', 'ness', 'ity', 'ive', 'al', 'ed', 'ly'];

/** Words that never tell two topic names apart (a name's "model" or "learning" is not its subject). */
const WEAK = new Set('model modeling modelling method approach learning learn based large language llm lm neural network deep task system'.split(' '));

/** A folded word's stem: a light suffix strip (not a full stemmer; enough for topic names). */
export function stemOf(word: string): string {
  if (word.length <= 4) return word;
  for (const s of SUFFIXES) {
    if (!word.endsWith(s) || word.length - s.length < 3) continue;
    let stem = word.slice(0, -s.length);
    // embedd(ing) -> embed, but not all(ow) or pass.
    const last = stem[stem.length - 1];
    if (last === stem[stem.length - 2] && last !== 'l' && last !== 's') stem = stem.slice(0, -1);
    return stem;
  }
  return word;
}

/**
 * The acronyms the text defines, by the long form before a parenthesis: "mixture of experts (MoE)"
 * gives moe -> "mixture of expert" (folded words). The acronym's letters must be found in order in
 * the long form's words, its first letter starting the long form's first word (after Schwartz and
 * Hearst, 2003). Acronym -> long form -> how many papers define it so.
 */
export function collectAcronyms(tokens: PaperTokens, table: WordTable, into: Map<string, Map<string, number>>): void {
  const seen = new Set<string>();
  for (const text of [tokens.title, tokens.abstract]) {
    for (let i = 1; i + 1 < text.length; i++) {
      // A lone word between two breaks: "( LoRA )".
      if (text[i] === 0 || text[i - 1] !== 0 || (i + 1 < text.length && text[i + 1] !== 0)) continue;
      const acronym = table.words[text[i]];
      if (acronym.length < 2 || acronym.length > 8 || !/^[a-z][a-z0-9]*$/.test(acronym)) continue;
      const words: string[] = [];
      for (let j = i - 2; j >= 0 && text[j] !== 0 && words.length < acronym.length + 4; j--) words.unshift(table.folded[text[j]]);
      const longForm = longFormOf(acronym.replace(/\d+/g, ''), words);
      if (!longForm || seen.has(acronym)) continue;
      seen.add(acronym);
      const forms = into.get(acronym) ?? into.set(acronym, new Map()).get(acronym)!;
      forms.set(longForm, (forms.get(longForm) ?? 0) + 1);
    }
  }
}

/** The shortest tail of `words` the acronym's letters can be read from, joined; undefined when none. */
function longFormOf(acronym: string, words: string[]): string | undefined {
  if (acronym.length < 2) return undefined;
  for (let start = words.length - 1; start >= 0; start--) {
    if (words[start][0] !== acronym[0]) continue;
    const tail = words.slice(start);
    if (tail.length < 2 || !readsAs(acronym, tail)) continue;
    return tail.join(' ');
  }
  return undefined;
}

/** Whether the letters can be matched in order, the first at a word's start and every word used by at least one letter or a stop word. */
function readsAs(letters: string, words: string[]): boolean {
  const text = words.join(' ');
  let at = 0;
  for (let k = 0; k < letters.length; k++) {
    const found = k === 0 ? 0 : text.indexOf(letters[k], at);
    if (found < 0 || text[found] !== letters[k]) return false;
    at = found + 1;
  }
  // Each content word must contribute: its first letter is among the acronym's.
  const initials = words.filter((w) => !STOPS.has(w)).map((w) => w[0]);
  let from = 0;
  for (const c of initials) {
    const found = letters.indexOf(c, from);
    if (found < 0) return false;
    from = found + 1;
  }
  return true;
}

const STOPS = new Set('of and for in on the a an to with by from'.split(' '));

/** The acronyms defined the same way by most papers that define them: acronym -> long form. */
export function settledAcronyms(collected: Map<string, Map<string, number>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [acronym, forms] of [...collected].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const [best] = [...forms].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    out.set(acronym, best[0]);
  }
  return out;
}

/** A topic key's content stems, the acronym replaced by its long form: "rankers" -> {rank}; "lora" -> {low, rank, adapt}. */
export function nameStems(key: string, acronyms: Map<string, string>): Set<string> {
  const words = key.split(' ').flatMap((w) => (acronyms.get(w) ?? w).split(' '));
  return new Set(words.filter((w) => !STOPS.has(w) && !WEAK.has(w)).map(stemOf));
}

/** Whether one name's stems are all among the other's: "ranking models" and "neural rankers". */
export function variantNames(a: Set<string>, b: Set<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size === 0) return false;
  for (const s of small) if (!large.has(s)) return false;
  return true;
}

/** A sparse unit vector: ids ascending, their values. */
export interface SparseVector { ids: Int32Array; values: Float64Array }

/**
 * Papers as tf-idf vectors over folded words (title words count three times), with document
 * frequencies from the papers it was built on; a topic's centroid keeps its heaviest words only.
 * Per-word values live in typed arrays indexed by folded word id (maps per paper were most of the
 * cost, and their garbage most of the topics worker's memory).
 */
export class WordSpace {
  /** Per folded word id: its idf, or 0 when it separates nothing (in one sampled paper, or in more than half). */
  readonly idf: Float64Array;
  private readonly tf: Float64Array;
  private readonly touched: number[] = [];

  constructor(sample: PaperTokens[], private readonly table: WordTable, idf?: Float64Array) {
    if (idf) {
      this.idf = idf;
      this.tf = new Float64Array(idf.length);
      return;
    }
    let size = 0;
    for (const f of table.foldedId) if (f > size) size = f;
    const df = new Int32Array(size + 1), last = new Int32Array(size + 1).fill(-1);
    sample.forEach((t, i) => {
      for (const text of [t.title, t.abstract]) for (const id of text) {
        if (!counts(id, table)) continue;
        const f = table.foldedId[id];
        if (last[f] !== i) { last[f] = i; df[f]++; }
      }
    });
    const n = sample.length;
    this.idf = Float64Array.from(df, (d) => (d < 2 || d > n / 2 ? 0 : Math.log(n / d)));
    this.tf = new Float64Array(size + 1);
  }

  /** The space of another's idf, over a table with the same words (a helper thread's: placement.ts). */
  static withIdf(idf: Float64Array, table: WordTable): WordSpace {
    return new WordSpace([], table, idf);
  }

  vector(tokens: PaperTokens): SparseVector {
    const { tf, touched, idf } = this;
    const add = (text: Uint32Array, weight: number) => {
      for (const id of text) {
        if (!counts(id, this.table)) continue;
        const f = this.table.foldedId[id];
        // A word no sampled paper has (newer than the space) weighs nothing.
        if (f >= idf.length || idf[f] === 0) continue;
        if (tf[f] === 0) touched.push(f);
        tf[f] += weight;
      }
    };
    add(tokens.title, 3);
    add(tokens.abstract, 1);
    touched.sort((x, y) => x - y);
    const ids = Int32Array.from(touched), values = new Float64Array(touched.length);
    let norm = 0;
    for (let j = 0; j < ids.length; j++) {
      const x = Math.log(1 + tf[ids[j]]) * idf[ids[j]];
      values[j] = x;
      norm += x * x;
      tf[ids[j]] = 0;
    }
    touched.length = 0;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < values.length; j++) values[j] /= norm;
    return { ids, values };
  }
}

/** Whether a word says something about a paper: not a break, a stop word or a number-only word. */
function counts(id: number, table: WordTable): boolean {
  return id !== 0 && table.canEnd[id] && table.canStart[id];
}

/** Summed values by word id (grown as needed), and the ids summed into since the last centroid. */
let sums = new Float64Array(1 << 12);
const summed: number[] = [];

/** The normalised mean of the vectors, cut to its `keep` heaviest words (renormalised). */
export function centroid(vectors: SparseVector[], keep = 64): SparseVector {
  for (const v of vectors) for (let j = 0; j < v.ids.length; j++) {
    const id = v.ids[j];
    if (id >= sums.length) { const grown = new Float64Array(Math.max(sums.length * 2, id + 1)); grown.set(sums); sums = grown; }
    if (sums[id] === 0) summed.push(id);
    sums[id] += v.values[j];
  }
  const top = summed.sort((a, b) => sums[b] - sums[a] || a - b).slice(0, keep).map((id): [number, number] => [id, sums[id]]);
  for (const id of summed) sums[id] = 0;
  summed.length = 0;
  return unit(top);
}

function unit(entries: [number, number][]): SparseVector {
  entries.sort((a, b) => a[0] - b[0]);
  let norm = 0;
  for (const [, x] of entries) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return { ids: Int32Array.from(entries, (e) => e[0]), values: Float64Array.from(entries, (e) => e[1] / norm) };
}

export function cosine(a: SparseVector, b: SparseVector): number {
  let s = 0;
  for (let i = 0, j = 0; i < a.ids.length && j < b.ids.length;) {
    if (a.ids[i] === b.ids[j]) s += a.values[i++] * b.values[j++];
    else if (a.ids[i] < b.ids[j]) i++;
    else j++;
  }
  return s;
}

/** A topic to group: its papers' centroid and how many papers it has. */
export interface FieldMember { centroid: SparseVector; papers: readonly unknown[] }

/** Topics whose papers read this alike are one field... */
export const FIELD_SIMILARITY = 0.35;
/** ...and topics with variant names one topic, from this much alike (not every "bias" is the same bias). */
export const VARIANT_SIMILARITY = 0.1;

/**
 * The members grouped (indexes into `members`, each group ascending, groups by their first
 * member), the most alike first, by complete linkage: every pair in a group is `linked`, so groups
 * do not grow by chaining. No group grows past `maxSize` papers (sizes summed: an upper bound).
 */
export function groupFields<M extends FieldMember>(members: M[], maxSize: number, linked: (a: M, b: M, similarity: number) => boolean): number[][] {
  const k = members.length;
  const sim: Float64Array[] = [];
  for (let i = 0; i < k; i++) {
    sim.push(new Float64Array(k));
    for (let j = 0; j < i; j++) {
      const c = cosine(members[i].centroid, members[j].centroid);
      sim[i][j] = sim[j][i] = linked(members[i], members[j], c) ? c : -1;
    }
  }
  const groups: (number[] | undefined)[] = members.map((_, i) => [i]);
  const sizes = members.map((m) => m.papers.length);
  for (;;) {
    let best = -1, bi = -1, bj = -1;
    for (let i = 0; i < k; i++) {
      if (!groups[i]) continue;
      for (let j = i + 1; j < k; j++) if (groups[j] && sim[i][j] > best && sizes[i] + sizes[j] <= maxSize) { best = sim[i][j]; bi = i; bj = j; }
    }
    if (best < 0) break;
    groups[bi] = [...groups[bi]!, ...groups[bj]!].sort((a, b) => a - b);
    groups[bj] = undefined;
    sizes[bi] += sizes[bj];
    // Complete linkage: the merged group is as linked to another as its least linked member.
    for (let m = 0; m < k; m++) sim[bi][m] = sim[m][bi] = Math.min(sim[bi][m], sim[bj][m]);
  }
  return groups.filter((g): g is number[] => !!g);
}
