import lunr = require('lunr');
import { FIELD_BOOSTS, FIELDS, MEMO_LIMIT, pipelineTerm, splitWords } from '../../server/src/search/lunrIndex';
import { CompactIndex, WEIGHT_SCALE } from '../../server/src/search/compactIndex';
import type { SearchDoc } from '../../server/src/search/documents';

/**
 * lunr's own indexes, for the tests and the bench's naive baseline: what the shard build
 * (server/src/search/shardBuild.ts) is held to, bit for bit, once flattened by `compactIndex`.
 */

/** What `compactIndex` reads from a `lunr.Index`'s internals: the inverted index, the field vectors and the search pipeline. */
export interface LunrIndexParts {
  invertedIndex: Record<string, { _index: number }>;
  fieldVectors: Record<string, { elements: number[] }>;
  pipeline: { toJSON(): string[] };
}

/** lunr.Builder's members that @types/lunr does not describe. */
interface BuilderInternals {
  tokenizer: (text: unknown) => unknown[];
  pipeline: { run(words: string[]): string[] };
}

/**
 * One lunr index over documents: title boosted most, then authors. The bench's naive baseline and
 * the tests use this; it is the same index as `lunr(...)` with lunr's default pipelines would build
 * (a unit test compares the two), only built faster (see `useFastIndexing`).
 */
export function buildIndex(docs: Iterable<SearchDoc>): lunr.Index {
  return lunr(function () {
    defineFields(this);
    useFastIndexing(this);
    for (const d of docs) this.add(d);
  });
}

/** The ref and FIELDS with their boosts: every index the project builds, the bench's calibration and tests too. */
export function defineFields(builder: lunr.Builder): void {
  builder.ref('id');
  FIELDS.forEach((field, i) => builder.field(field, { boost: FIELD_BOOSTS[i] }));
}

/**
 * lunr's tokenizer tests a regular expression on every character and allocates a Token with its
 * own metadata object per word; its pipeline then trims, filters and Porter-stems every word again,
 * though an abstract repeats its words and a library shares most of them. Measured on 3,000
 * generated abstracts: tokenizing 1.9 s, the pipeline 1.6 s, everything else in the build 0.4 s.
 *
 * Same results, less work: the text is split on the same separator in one native call, and the
 * default indexing pipeline (trimmer, stop-word filter, stemmer) runs once per distinct word, its
 * outcome remembered. The builder uses the terms only as strings (as property keys), so they stay
 * strings. Valid only while the builder keeps no token metadata (its `metadataWhitelist` is empty).
 */
function useFastIndexing(builder: lunr.Builder): void {
  const internals = builder as unknown as BuilderInternals;
  internals.tokenizer = splitWords;
  internals.pipeline = { run: indexingTerms };
}

/** Word → its indexed term, or null when the pipeline drops it. Cleared when it grows past MEMO_LIMIT. */
const memo = new Map<string, string | null>();
function indexingTerms(words: string[]): string[] {
  const terms: string[] = [];
  for (const word of words) {
    let term = memo.get(word);
    if (term === undefined) {
      term = pipelineTerm(word);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(word, term);
    }
    if (term !== null) terms.push(term);
  }
  return terms;
}

export function compactIndex(index: lunr.Index, fields: string[], refs: string[]): CompactIndex {
  const raw = index as unknown as LunrIndexParts;
  const pipeline = raw.pipeline.toJSON();
  if (pipeline.join() !== 'stemmer') throw new Error(`unexpected search pipeline ${pipeline.join()}`);
  const terms = Object.keys(raw.invertedIndex).sort();
  const ofLunrIndex = new Map<number, number>();
  terms.forEach((t, id) => ofLunrIndex.set(raw.invertedIndex[t]._index, id));
  const T = terms.length;
  const counts = new Uint32Array(fields.length * T + 1);
  const vectors: (number[] | undefined)[] = [];
  for (let f = 0; f < fields.length; f++) {
    for (let d = 0; d < refs.length; d++) {
      const elements = raw.fieldVectors[`${fields[f]}/${refs[d]}`]?.elements;
      vectors[f * refs.length + d] = elements;
      if (elements) for (let i = 0; i < elements.length; i += 2) counts[f * T + ofLunrIndex.get(elements[i])! + 1]++;
    }
  }
  const offsets = new Uint32Array(fields.length * T + 1);
  for (let i = 1; i < offsets.length; i++) offsets[i] = offsets[i - 1] + counts[i];
  const fill = offsets.slice(0, offsets.length - 1);
  const docs = new Uint32Array(offsets[offsets.length - 1]);
  const weights = new Uint32Array(docs.length);
  // Documents are visited in id order, so every posting comes out sorted.
  for (let f = 0; f < fields.length; f++) {
    for (let d = 0; d < refs.length; d++) {
      const elements = vectors[f * refs.length + d];
      if (!elements) continue;
      for (let i = 0; i < elements.length; i += 2) {
        const at = fill[f * T + ofLunrIndex.get(elements[i])!]++;
        docs[at] = d;
        weights[at] = Math.round(elements[i + 1] * WEIGHT_SCALE);
      }
    }
  }
  return { fields: [...fields], refs: [...refs], terms, termIds: new Map(terms.map((t, i) => [t, i])), offsets, docs, weights };
}

