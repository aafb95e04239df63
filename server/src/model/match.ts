import type { Library, Paper } from './library';
import { editDistance } from '../util/text';

/**
 * Ranks papers for what has been typed of a key: the key itself first, then aliases, title words,
 * then author names. Scans the in-memory match words (no full-text index), so it answers during
 * indexing.
 *
 * The words are kept as one joined string per field, and a hit in an earlier field always ranks
 * above any hit in a later one: once the fields scanned so far give `limit` papers, the rest are
 * not scanned (a short prefix stops after the keys, a fraction of the text).
 */
export function rankPapers(library: Library, typed: string, limit: number): Paper[] {
  const q = typed.toLowerCase();
  const all = library.papers(); // sorted by key
  if (q === '') return all.slice(0, limit);
  const st = searchText(library);
  // Bucket by score while visiting papers in key order: each bucket is already key-sorted, so the
  // best `limit` come out without sorting the (possibly thousands of) matches.
  const buckets = new Map<number, number[]>();
  const seen = new Set<number>();
  const add = (index: number, score: number) => {
    seen.add(index);
    const bucket = buckets.get(score);
    if (bucket) { if (bucket.length < limit) bucket.push(index); } else buckets.set(score, [index]);
  };
  // Word starts first: a key, alias, title word or author name beginning with what was typed. A
  // paper counts once, by its first hit in this order.
  const needle = ' ' + q;
  for (let f = 0; f < FIELDS && seen.size < limit; f++) {
    const field = st.fields[f];
    scan(field, needle, (index, at) => {
      if (!seen.has(index)) add(index, wordStartScore(field, f, index, at + 1, q.length));
    });
  }
  // Then, for three letters or more, the key or a title word containing it (a paper whose aliases
  // hold it first counts neither way).
  if (seen.size < limit && q.length >= 3) {
    const inAlias = new Set<number>();
    scan(st.fields[KEY], q, (index) => { if (!seen.has(index)) add(index, 400); });
    scan(st.fields[ALIAS], q, (index) => inAlias.add(index));
    scan(st.fields[TITLE], q, (index) => { if (!seen.has(index) && !inAlias.has(index)) add(index, 300); });
  }
  const papers: Paper[] = [];
  for (const score of [...buckets.keys()].sort((a, b) => b - a)) {
    for (const i of buckets.get(score)!) { if (papers.length >= limit) break; papers.push(all[i]); }
    if (papers.length >= limit) break;
  }
  return papers;
}

/** The match words' fields, in the order a hit ranks: a key before an alias, a title word, an author. */
const KEY = 0, ALIAS = 1, TITLE = 2, AUTHOR = 3, FIELDS = 4;

/**
 * One field's words for all papers in one string, in key order: paper i's are " w1 w2 ..." from
 * `start[i]` to `start[i + 1]` (nothing when it has none).
 */
interface FieldText { text: string; start: Int32Array }

/** The papers' match words, by field. Rebuilt once per library version. */
interface SearchText { version: number; fields: FieldText[] }
const searchTexts = new WeakMap<Library, SearchText>();

function searchText(library: Library): SearchText {
  const cached = searchTexts.get(library);
  if (cached && cached.version === library.version) return cached;
  const steps = searchTextSteps(library);
  while (!steps.next().done) { /* all at once: a request is waiting */ }
  return searchTexts.get(library)!;
}

/**
 * Builds the joined search texts for the library's current papers, yielding every few hundred
 * papers. Run at the end of each rebuild, so the first completion after it does not pay for the
 * join while other requests wait.
 */
export function* searchTextSteps(library: Library): Generator<void> {
  const version = library.version;
  const all = library.papers();
  const n = all.length;
  // Each field's words are joined a few hundred papers at a time, then the pieces once at the end:
  // one join of every word group of a large library held the thread for a tenth of a second.
  const pending: string[][] = [[], [], [], []];
  const pieces: string[][] = [[], [], [], []];
  const starts = [new Int32Array(n + 1), new Int32Array(n + 1), new Int32Array(n + 1), new Int32Array(n + 1)];
  const offsets = [0, 0, 0, 0];
  const settle = () => {
    for (let f = 0; f < FIELDS; f++) if (pending[f].length) { pieces[f].push(pending[f].join('')); pending[f] = []; }
  };
  // One string per group of words (" w1 w2 ..."): a push per word made this the costliest step.
  const push = (f: number, words: string) => {
    if (words.length === 0) return;
    pending[f].push(' ', words);
    offsets[f] += 1 + words.length;
  };
  for (let i = 0; i < n; i++) {
    if (i % 500 === 499) {
      settle();
      yield;
      if (library.version !== version) return; // superseded: the next rebuild builds its own
    }
    const m = all[i].match;
    for (let f = 0; f < FIELDS; f++) starts[f][i] = offsets[f];
    push(KEY, m.key);
    push(ALIAS, m.aliases.length ? m.aliases.join(' ') : '');
    push(TITLE, m.titleWords);
    push(AUTHOR, m.authorWords);
  }
  settle();
  const fields: FieldText[] = [];
  for (let f = 0; f < FIELDS; f++) {
    starts[f][n] = offsets[f];
    fields.push({ text: pieces[f].join(''), start: starts[f] });
    yield;
    if (library.version !== version) return;
  }
  searchTexts.set(library, { version, fields });
}

/** Calls `hit(paperIndex, offset)` for the first occurrence of `needle` in each paper's words of the field, in key order. */
function scan(field: FieldText, needle: string, hit: (index: number, at: number) => void): void {
  const { text, start } = field;
  let from = 0;
  for (;;) {
    const at = text.indexOf(needle, from);
    if (at < 0) return;
    // The paper holding the hit. Written out here rather than through a shared search helper: with
    // the comparison passed as a function, ranking was measurably slower (the keystroke path).
    let lo = 0, hi = start.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (start[mid] <= at) lo = mid; else hi = mid - 1;
    }
    hit(lo, at);
    from = start[lo + 1];
  }
}

/** Score of a word-start hit at `wordAt`: key > alias > title word > author; whole words and close lengths first. */
function wordStartScore(field: FieldText, f: number, index: number, wordAt: number, qLength: number): number {
  const end = field.start[index + 1];
  let wordEnd = field.text.indexOf(' ', wordAt);
  if (wordEnd < 0 || wordEnd > end) wordEnd = end;
  const extra = Math.min(99, wordEnd - wordAt - qLength);
  if (f === KEY) return wordAt - 1 === field.start[index] ? (extra === 0 ? 1000 : 900 - extra) : 800 - extra;
  if (f === ALIAS) return 800 - extra;
  if (f === TITLE) return extra === 0 ? 700 : 650;
  return extra === 0 ? 600 : 550;
}

/** The closest known keys to an unknown one: edit distance, then shared prefix. */
export function suggestKeys(library: Library, unknown: string, limit = 3): string[] {
  const q = unknown.toLowerCase();
  const max = Math.max(2, Math.floor(q.length / 3));
  const qParts = keyParts(q);
  const found: { key: string; d: number }[] = [];
  for (const key of library.keys()) {
    const k = key.toLowerCase();
    let d = editDistance(q, k, max);
    if (d > max && q.length >= 4 && (k.startsWith(q) || q.startsWith(k))) d = max;
    if (d > max && qParts.length > 1 && qParts.every((p) => k.includes(p))) {
      // The same words in another order (truthfulqa2022lin for lin2022truthfulqa) count as close.
      const shared = keyParts(k).filter((p) => qParts.includes(p)).length;
      if (shared === qParts.length) d = 1;
      else if (shared * 2 >= qParts.length + 1) d = max;
    }
    if (d <= max) found.push({ key, d });
  }
  found.sort((a, b) => a.d - b.d || a.key.length - b.key.length || (a.key < b.key ? -1 : 1));
  // Prefer a paper's primary key over its alias when both are equally close.
  const out: string[] = [];
  for (const f of found) {
    const primary = library.get(f.key)?.key ?? f.key;
    const pick = found.some((g) => g.key === primary && g.d <= f.d) ? primary : f.key;
    if (!out.includes(pick)) out.push(pick);
    if (out.length >= limit) break;
  }
  return out;
}

/** A key's words and numbers: lin2022truthfulqa -> lin, 2022, truthfulqa. */
function keyParts(key: string): string[] {
  return key.match(/[a-z]+|\d+/g)?.filter((p) => p.length > 1) ?? [];
}
