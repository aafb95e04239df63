import { CompactIndex, WEIGHT_SCALE } from './compactIndex';
import type { SearchDoc } from './documents';
import { FIELD_BOOSTS, FIELDS, MEMO_LIMIT, pipelineTerm, splitWords } from './lunrIndex';
import { asciiBytes, AsciiWordTable, FNV_OFFSET, FNV_PRIME, IS_BLANK, LOWER } from '../util/asciiWords';

/**
 * Builds a shard's flat index directly: the postings and weights `compactIndex` takes from a lunr
 * index of the same documents, without building that index.
 *
 * Why: lunr's builder keeps an object per (term, field, document) and a growing vector per field
 * of each document: building every shard was most of a cold start's full-text work, and made as
 * much garbage for V8's helper threads to collect. This build does the same arithmetic over typed
 * arrays, in about a third of the time.
 *
 * Same words (lunr's separator, its trimmer, stop-word filter and Porter stemmer, remembered per
 * distinct word; ASCII text is split by hand, see termsOf), same statistics and the same BM25
 * formula with lunr's parameters and rounding, evaluated in the same order, so every weight is bit
 * for bit lunr's. A unit test compares the two builds exactly, on awkward text, the example
 * library and generated documents.
 */

/** lunr.Builder's BM25 parameters (its defaults; this project never changes them). */
const K1 = 1.2;
const B = 0.75;

/** One indexed term, shared by every word the pipeline turns into it; `local` is its id in the shard being built. */
interface Term { text: string; shard: number; local: number }

/** Word → its term, or null when the pipeline drops the word. Kept across shards, as words repeat. */
const termOfWord = new Map<string, Term | null>();
const termByText = new Map<string, Term>();
let shardsBuilt = 0;

function termOf(cut: string): Term | null {
  const known = termOfWord.get(cut);
  if (known !== undefined) return known;
  const word = ownCopy(cut);
  const term = pipelineTermOf(word);
  termOfWord.set(word, term);
  return term;
}

/** The shared Term for what the pipeline makes of a word (seen for the first time), or null when it drops it. */
function pipelineTermOf(word: string): Term | null {
  const text = pipelineTerm(word);
  if (text === null) return null;
  let term = termByText.get(text);
  if (!term) termByText.set(text, (term = { text, shard: 0, local: -1 }));
  return term;
}

/** Words of ASCII text by their bytes, and the term of each (undefined until first seen). */
let asciiWords = new AsciiWordTable();
const termOfAscii: (Term | null | undefined)[] = [];

/**
 * A field's terms in order, into `out`: the words lunr's tokenizer splits it into (lower case,
 * split at every run of `\s` or `-`), each as the pipeline leaves it, dropped words left out.
 * ASCII text (nearly every document) is scanned as bytes, each word hashed as it is read and
 * found in a table of words seen, with no substring, array or regex per word: split and looked up
 * as strings, words were most of a build's time and garbage. Other text goes through splitWords.
 */
function termsOf(value: unknown, out: Term[]): void {
  out.length = 0;
  const ascii = typeof value === 'string' ? asciiBytes(value) : undefined;
  if (!ascii) {
    const words = splitWords(value) as string[];
    for (let w = 0; w < words.length; w++) { const term = termOf(words[w]); if (term !== null) out.push(term); }
    return;
  }
  const { bytes, length: n } = ascii;
  let i = 0;
  while (i < n) {
    if (IS_BLANK[bytes[i]] || bytes[i] === 45 /* - */) { i++; continue; }
    const start = i;
    let h = FNV_OFFSET;
    do h = Math.imul(h ^ LOWER[bytes[i]], FNV_PRIME); while (++i < n && !IS_BLANK[bytes[i]] && bytes[i] !== 45);
    const id = asciiWords.idOf(bytes, start, i, h);
    let term = termOfAscii[id];
    if (term === undefined) term = termOfAscii[id] = pipelineTermOf(asciiWords.word(id));
    if (term !== null) out.push(term);
  }
}

/**
 * Forget the remembered words (a map of every distinct word the builds saw, a good part of an idle
 * worker's heap), once no build is expected soon. A later build runs the pipeline on its words again.
 */
export function forgetWords(): void {
  termOfWord.clear();
  termByText.clear();
  asciiWords = new AsciiWordTable();
  termOfAscii.length = 0;
}

/**
 * V8 makes a substring of 13 or more characters a view into the string it was cut from, so a word
 * split out of a document (and the term the pipeline leaves it as) kept that document's whole
 * lower-cased text alive for as long as the memo or the index held it (docs/performance.md). Long
 * words are copied once, when first seen.
 */
function ownCopy(word: string): string {
  return word.length < 13 ? word : word.split('').join('');
}

export function buildCompactShard(docs: readonly SearchDoc<string>[]): CompactIndex {
  if (termOfWord.size + asciiWords.size >= MEMO_LIMIT) forgetWords();
  const shard = ++shardsBuilt;
  const F = FIELDS.length, N = docs.length;
  // Pass 1: each (field, document) pair's distinct terms with their counts, its length in terms,
  // and how many pairs hold each term (what lunr's idf counts).
  const terms: string[] = [];
  const pairsWithTerm: number[] = [];
  const length = new Uint32Array(F * N);
  const first = new Uint32Array(F * N);
  const end = new Uint32Array(F * N);
  const pairTerm: number[] = [];
  const pairCount: number[] = [];
  let count = new Uint32Array(1024);
  const touched: number[] = [];
  const fieldTerms: Term[] = [];
  for (let d = 0; d < N; d++) {
    const doc = docs[d] as unknown as Record<string, unknown>;
    for (let f = 0; f < F; f++) {
      termsOf(doc[FIELDS[f]], fieldTerms);
      const len = fieldTerms.length;
      for (let w = 0; w < len; w++) {
        const term = fieldTerms[w];
        if (term.shard !== shard) {
          term.shard = shard;
          term.local = terms.length;
          terms.push(term.text);
          pairsWithTerm.push(0);
          if (term.local >= count.length) { const grown = new Uint32Array(count.length * 2); grown.set(count); count = grown; }
        }
        if (count[term.local]++ === 0) touched.push(term.local);
      }
      const p = f * N + d;
      length[p] = len;
      first[p] = pairTerm.length;
      for (const t of touched) { pairTerm.push(t); pairCount.push(count[t]); pairsWithTerm[t]++; count[t] = 0; }
      touched.length = 0;
      end[p] = pairTerm.length;
    }
  }

  // Terms in sorted order (a term's position is its id), and each term's inverse document frequency.
  const T = terms.length;
  const order = Array.from(terms.keys()).sort((a, b) => (terms[a] < terms[b] ? -1 : terms[a] > terms[b] ? 1 : 0));
  const idOf = new Uint32Array(T);
  order.forEach((local, id) => (idOf[local] = id));
  const idf = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    const x = (N - pairsWithTerm[t] + 0.5) / (pairsWithTerm[t] + 0.5);
    idf[t] = Math.log(1 + Math.abs(x));
  }
  const averageLength = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    let sum = 0;
    for (let d = 0; d < N; d++) sum += length[f * N + d];
    averageLength[f] = sum / N;
  }

  // Pass 2: postings, field by field and document by document, so each comes out sorted by document.
  const offsets = new Uint32Array(F * T + 1);
  const sizes = new Uint32Array(F * T);
  for (let f = 0; f < F; f++) {
    for (let d = 0; d < N; d++) {
      const p = f * N + d;
      for (let i = first[p]; i < end[p]; i++) sizes[f * T + idOf[pairTerm[i]]]++;
    }
  }
  for (let i = 0; i < F * T; i++) offsets[i + 1] = offsets[i] + sizes[i];
  const fill = offsets.slice(0, F * T);
  const postingDocs = new Uint32Array(offsets[F * T]);
  const weights = new Uint32Array(postingDocs.length);
  for (let f = 0; f < F; f++) {
    for (let d = 0; d < N; d++) {
      const p = f * N + d;
      const norm = K1 * (1 - B + B * (length[p] / averageLength[f]));
      for (let i = first[p]; i < end[p]; i++) {
        const t = pairTerm[i], tf = pairCount[i];
        // lunr's expression, in lunr's order of operations; the document boost is always 1.
        const score = (idf[t] * ((K1 + 1) * tf)) / (norm + tf) * FIELD_BOOSTS[f];
        const at = fill[f * T + idOf[t]]++;
        postingDocs[at] = d;
        weights[at] = Math.round(score * WEIGHT_SCALE); // lunr's Math.round(score * 1000) / 1000, in thousandths
      }
    }
  }
  const sorted = order.map((local) => terms[local]);
  return {
    fields: [...FIELDS], refs: docs.map((doc) => doc.id), terms: sorted, termIds: new Map(sorted.map((t, i) => [t, i])),
    offsets, docs: postingDocs, weights,
  };
}
