import lunr = require('lunr');

/**
 * A lunr index flattened into typed arrays, and a query executor over it with lunr's semantics.
 *
 * Why: a lunr.Index keeps one JS object per (term, field, document) posting and one per field
 * vector: hundreds of megabytes of heap for a library of ten thousand papers, and a query that
 * scores every matching document through a `MatchData` allocation is slow for a common word. Shards
 * are built straight into this form by lunr's rules (shardBuild.ts); the tests hold that build to
 * lunr's own, flattened the same way (test/support/lunrReference.ts), bit for bit.
 * lunr still parses and expands every query (QueryParser, TokenSet); the postings, with the weight
 * lunr puts in the field vector, are scored the way `lunr.Index.prototype.query` scores them:
 * per field, dot(query vector, field vector) / |query vector|, summed over fields, with lunr's
 * required (`+`) and prohibited (`-`) rules. A unit test checks scores against lunr's own.
 */

export interface CompactIndex {
  fields: string[];
  /** Document refs (`uri#ordinal`), by document id. */
  refs: string[];
  /** Sorted, unique terms; a term's position is its id. */
  terms: string[];
  termIds: Map<string, number>;
  /** Posting of term t in field f: docs/weights[offsets[f * terms.length + t] .. offsets[f * terms.length + t + 1]]. */
  offsets: Uint32Array;
  /** Document ids, ascending within each posting. */
  docs: Uint32Array;
  /**
   * lunr's field-vector value (BM25 weight, boost included) for each posting, in thousandths:
   * lunr rounds it to three decimals, so an integer holds it exactly in half the room of a double
   * (the postings are most of a full-text worker's memory). Read it as `weights[i] / WEIGHT_SCALE`.
   */
  weights: Uint32Array;
  /**
   * Where the postings are while `docs` and `weights` are empty: a merged index at rest keeps them
   * in a file (postingFile.ts). Read them through postingRange, which knows either.
   */
  spilled?: SpilledPostings;
}

/** Postings kept out of memory: read a range of them, or take them all back (which lets the file go). */
export interface SpilledPostings {
  read(from: number, to: number): PostingSlice;
  takeBack(): PostingSlice;
}

/** A posting range: document ids and weights, side by side. */
export interface PostingSlice { docs: Uint32Array; weights: Uint32Array }

/** Postings `from` to `to` of the index, from memory or from its file. */
export function postingRange(index: CompactIndex, from: number, to: number): PostingSlice {
  return index.spilled ? index.spilled.read(from, to) : { docs: index.docs.subarray(from, to), weights: index.weights.subarray(from, to) };
}

/** See CompactIndex.weights. */
export const WEIGHT_SCALE = 1000;

interface LunrClause {
  term: string;
  fields: string[];
  boost: number;
  usePipeline: boolean;
  presence: number;
  editDistance?: number;
}
const PRESENCE = lunr.Query.presence as unknown as { OPTIONAL: number; REQUIRED: number; PROHIBITED: number };

/** The search pipeline every shard index has (lunr's default: the stemmer only). */
const SEARCH_PIPELINE = (() => {
  const p = new lunr.Pipeline();
  p.add(lunr.stemmer);
  return p;
})();

/** A parsed query's clauses with each term run through the search pipeline, ready for any shard. */
export interface PreparedClause { clause: LunrClause; fieldIds: number[]; terms: { term: string; expandable: boolean }[] }

/**
 * Limits on fuzzy terms. lunr builds a fuzzy term's automaton by trying every edit at every
 * position, which grows exponentially with the edit distance and steeply with the term's length
 * (`aaaaaaaaaa~10` never finished; a long term is slow even at distance 2). One or two edits
 * are what a typo needs.
 */
export const MAX_EDIT_DISTANCE = 2;
export const MAX_FUZZY_TERM = 32;

/** A query that breaks these limits (or runs past its time budget): the message says what to change. */
export class QueryLimitError extends Error {}

/**
 * Parses with lunr's QueryParser; throws lunr's QueryParseError for malformed input, and a
 * QueryLimitError for a fuzzy term too long to expand. Edit distances over MAX_EDIT_DISTANCE count as it.
 */
export function prepareQuery(text: string, fields: string[]): PreparedClause[] {
  const query = new lunr.Query(fields);
  // QueryParser is public in lunr 2.3 but missing from its type definitions.
  const { QueryParser } = lunr as unknown as { QueryParser: new (text: string, query: lunr.Query) => { parse(): void } };
  new QueryParser(text, query).parse();
  return (query.clauses as unknown as LunrClause[]).map((clause) => {
    if (clause.editDistance !== undefined) {
      clause.editDistance = Math.min(clause.editDistance, MAX_EDIT_DISTANCE);
      if (clause.term.length > MAX_FUZZY_TERM) throw new QueryLimitError(`a fuzzy term (~) can have at most ${MAX_FUZZY_TERM} characters`);
    }
    const terms = clause.usePipeline ? (SEARCH_PIPELINE as unknown as { runString(s: string, m: object): string[] }).runString(clause.term, { fields: clause.fields }) : [clause.term];
    return {
      clause,
      fieldIds: clause.fields.map((f) => fields.indexOf(f)),
      terms: terms.map((term) => ({ term, expandable: 'editDistance' in clause || term.includes('*') })),
    };
  });
}

/** How long a query may run in a worker before it is stopped. */
export const QUERY_BUDGET_MS = 1000;
export const QUERY_TOO_SLOW = `it ran longer than ${QUERY_BUDGET_MS / 1000} s and was stopped (wildcards that match too many words?)`;

const TOKEN_SET = lunr.TokenSet as unknown as { fromClause(c: object): QueryNode };

/** A state of lunr's query automaton (`TokenSet.fromClause`): edges by character, `*` for any one. */
interface QueryNode { edges: Record<string, QueryNode>; final: boolean }

/**
 * Expands wildcard and fuzzy terms against a sorted dictionary; exact terms expand to themselves
 * (each shard then keeps the ones it has). The terms are those lunr's `TokenSet.intersect` would
 * give for the dictionary's token set, found by walking the sorted terms through lunr's query
 * automaton instead: building that token set was slow for a large library, every time the shards
 * changed, and held a large object graph.
 */
export class TermExpander {
  constructor(private readonly dictionary: () => string[]) {}

  /** `deadline` (a Date.now() time): past it, the walk stops with a QueryLimitError. */
  expand(clause: LunrClause, term: string, expandable: boolean, deadline = Infinity): string[] {
    if (!expandable) return [term];
    return matchingTerms(this.dictionary(), TOKEN_SET.fromClause({ ...clause, term }), deadline);
  }
}

/**
 * The terms of `sorted` (in JavaScript's default sort order) that the automaton accepts. Terms
 * share the states of their common prefix with the previous term, and a prefix no state survives
 * skips every term that starts with it.
 */
export function matchingTerms(sorted: readonly string[], query: QueryNode, deadline = Infinity): string[] {
  const out: string[] = [];
  let steps = 0;
  /** states[d]: the automaton's states after the first d characters of `prefix`. */
  const states: QueryNode[][] = [[query]];
  let prefix = '';
  let i = 0;
  while (i < sorted.length) {
    // A pattern of many wildcards keeps many states alive on every character.
    if (++steps % 1024 === 0 && Date.now() > deadline) throw new QueryLimitError(QUERY_TOO_SLOW);
    const term = sorted[i];
    let d = 0;
    const shared = Math.min(prefix.length, term.length);
    while (d < shared && prefix.charCodeAt(d) === term.charCodeAt(d)) d++;
    states.length = d + 1;
    let deadAt = -1;
    for (; d < term.length; d++) {
      const next = step(states[d], term[d]);
      if (next.length === 0) { deadAt = d; break; }
      states.push(next);
    }
    if (deadAt < 0) {
      // lunr's intersect never yields the empty term (its root is never final).
      if (term.length && states[term.length].some((n) => n.final)) out.push(term);
      prefix = term;
      i++;
      continue;
    }
    const stem = term.slice(0, deadAt + 1);
    prefix = term.slice(0, deadAt);
    // Terms starting with `stem` are contiguous from i: binary search for the first that does not.
    let lo = i + 1, hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].startsWith(stem)) lo = mid + 1; else hi = mid;
    }
    i = lo;
  }
  return out;
}

/** The states reached from `nodes` on one character: its own edge, or `*` (any character). */
function step(nodes: QueryNode[], ch: string): QueryNode[] {
  const next: QueryNode[] = [];
  for (const n of nodes) {
    const exact = Object.prototype.hasOwnProperty.call(n.edges, ch) ? n.edges[ch] : undefined;
    if (exact && !next.includes(exact)) next.push(exact);
    const any = n.edges['*'];
    if (any && !next.includes(any)) next.push(any);
  }
  return next;
}

export interface CompactHit { ref: string; score: number; terms: string[] }

/**
 * Runs prepared clauses against one shard, as lunr.Index.prototype.query would; best `limit` hits.
 * `live`: only documents with a 1 there can be hits (a merged index's shards that changed since).
 */
export function queryCompact(
  index: CompactIndex, prepared: PreparedClause[], expansions: string[][][], limit: number, live?: Uint8Array, termKnown?: (term: string) => boolean,
): CompactHit[] {
  const F = index.fields.length, N = index.refs.length, T = index.terms.length;
  const queryWeight: Map<number, number>[] = index.fields.map(() => new Map());
  // The query's length counts the terms the index knows: `termKnown` widens that to other indexes
  // queried with it, so that a document scores as it would in one index made of them all.
  const known = termKnown ?? ((t: string) => index.termIds.has(t));
  const lengthWeight: Map<string, number>[] = index.fields.map(() => new Map());
  const required: (Uint8Array | undefined)[] = new Array(F);
  const prohibited = new Uint8Array(N);
  let negated = true;
  // Each posting read once per query, however many clauses, fields and hits read it.
  const read = new Map<number, PostingSlice>();
  const posting = (f: number, t: number): PostingSlice => {
    const k = f * T + t;
    let p = read.get(k);
    if (!p) read.set(k, (p = postingRange(index, index.offsets[k], index.offsets[k + 1])));
    return p;
  };

  prepared.forEach(({ clause, fieldIds }, c) => {
    const isRequired = clause.presence === PRESENCE.REQUIRED;
    const isProhibited = clause.presence === PRESENCE.PROHIBITED;
    if (!isProhibited) negated = false;
    const clauseMatches = isRequired ? new Uint8Array(N) : undefined;
    for (const expanded of expansions[c]) {
      if (!isProhibited) for (const t of expanded) if (known(t)) for (const f of fieldIds) lengthWeight[f].set(t, (lengthWeight[f].get(t) ?? 0) + clause.boost);
      const ids = expanded.map((t) => index.termIds.get(t)).filter((t): t is number => t !== undefined);
      if (ids.length === 0 && isRequired) {
        for (const f of fieldIds) required[f] = new Uint8Array(N);
        break;
      }
      for (const t of ids) {
        for (const f of fieldIds) {
          if (isRequired) {
            const { docs } = posting(f, t);
            for (let i = 0; i < docs.length; i++) clauseMatches![docs[i]] = 1;
            required[f] ??= new Uint8Array(N).fill(1);
          }
          if (isProhibited) {
            const { docs } = posting(f, t);
            for (let i = 0; i < docs.length; i++) prohibited[docs[i]] = 1;
            continue;
          }
          queryWeight[f].set(t, (queryWeight[f].get(t) ?? 0) + clause.boost);
        }
      }
    }
    if (isRequired) {
      for (const f of fieldIds) {
        const r = required[f];
        if (!r) { required[f] = new Uint8Array(N); continue; } // no terms at all: nothing can satisfy it
        for (let d = 0; d < N; d++) r[d] &= clauseMatches![d];
      }
    }
  });

  const allRequired = new Uint8Array(N).fill(1);
  for (const r of required) if (r) for (let d = 0; d < N; d++) allRequired[d] &= r[d];

  const scores = new Float64Array(N);
  const matched = new Uint8Array(N);
  for (let f = 0; f < F; f++) {
    let sumOfSquares = 0;
    for (const w of lengthWeight[f].values()) sumOfSquares += w * w;
    const magnitude = Math.sqrt(sumOfSquares);
    for (const [t, w] of queryWeight[f]) {
      const { docs, weights } = posting(f, t);
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i];
        matched[d] = 1;
        scores[d] += (w * (weights[i] / WEIGHT_SCALE)) / magnitude;
      }
    }
  }
  if (negated) matched.fill(1);

  for (let d = 0; d < N; d++) matched[d] &= allRequired[d] & (prohibited[d] ^ 1);
  if (live) for (let d = 0; d < N; d++) matched[d] &= live[d];
  return bestDocuments(scores, matched, limit).map((d) => ({ ref: index.refs[d], score: scores[d], terms: matchedTerms(index, queryWeight, posting, d) }));
}

/**
 * The `limit` best documents where `eligible` is 1, by score, best first; ties go to the lower
 * document, as a full sort by (score desc, document asc) would give. A common word matches
 * thousands of documents, and sorting them all for the first 20 was the bulk of a query.
 */
export function bestDocuments(scores: Float64Array, eligible: Uint8Array, limit: number): number[] {
  const top: number[] = [];
  if (limit <= 0) return top;
  for (let d = 0; d < scores.length; d++) {
    if (eligible[d] !== 1) continue;
    const s = scores[d];
    // Documents come in ascending order, so one that only ties the last kept one loses to it.
    if (top.length === limit && !(s > scores[top[limit - 1]])) continue;
    if (top.length === limit) top.pop();
    let at = top.length;
    while (at > 0 && scores[top[at - 1]] < s) at--;
    top.splice(at, 0, d);
  }
  return top;
}

/** The query terms a document contains (for snippets): computed for returned hits only. */
function matchedTerms(index: CompactIndex, queryWeight: Map<number, number>[], posting: (f: number, t: number) => PostingSlice, doc: number): string[] {
  const found = new Set<string>();
  queryWeight.forEach((weights, f) => {
    for (const t of weights.keys()) {
      const { docs } = posting(f, t);
      let lo = 0, hi = docs.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1, d = docs[mid];
        if (d === doc) { found.add(index.terms[t]); break; }
        if (d < doc) lo = mid + 1; else hi = mid - 1;
      }
    }
  });
  return [...found];
}

const NO_TERM = 0xffffffff;

/**
 * An index to merge: all its documents, or (`keep`) those the map gives a place among its kept
 * ones (-1: left out), which must keep their order. A merged index is merged again this way, less
 * the shards that changed, rather than kept beside the shards it was made of.
 */
export interface MergePart { index: CompactIndex; keep?: { newId: Int32Array; count: number } }

/**
 * Several flat indexes as one, for querying (each full-text worker keeps its shards so:
 * shardSet.ts), their kept documents one part after another. Its terms are the sorted terms of the
 * parts that still have a posting; postings keep each part's own lunr weights. One difference from
 * querying shard by shard: the query vector's length counts every query term some shard has, so a
 * document is no longer favoured for sitting in a shard that lacks the other query terms.
 */
export function mergeParts(parts: MergePart[], fields: string[]): CompactIndex {
  return mergedInMemory(planMerge(parts, fields));
}

/** The merged index of a plan, its postings all copied into memory. */
export function mergedInMemory(plan: MergePlan): CompactIndex {
  const docs = new Uint32Array(plan.postings);
  const weights = new Uint32Array(docs.length);
  new MergedPostings(plan).fill(plan.index.offsets.length - 1, docs, weights);
  return { ...plan.index, docs, weights };
}

/** A merge worked out but for its postings: the merged index without them, and where each goes (its offsets). */
export interface MergePlan {
  index: Omit<CompactIndex, 'docs' | 'weights' | 'spilled'>;
  /** How many postings the merged index has. */
  postings: number;
  parts: readonly MergePart[];
  /** Per part, each of its terms' id in the merged index (NO_TERM: a term no kept document has). */
  globalOf: Uint32Array[];
}

/** mergeParts without copying any posting yet (MergedPostings copies them, all at once or a run at a time). */
export function planMerge(parts: MergePart[], fields: string[]): MergePlan {
  if (parts.some((p) => p.index.spilled)) throw new Error('an index whose postings are in a file is merged only once they are back in memory');
  const F = fields.length;
  const union = new Set<string>();
  for (const { index } of parts) for (const t of index.terms) union.add(t);
  let terms = [...union].sort();
  let termIds = new Map(terms.map((t, i) => [t, i]));
  let globalOf = parts.map(({ index }) => Uint32Array.from(index.terms, (t) => termIds.get(t)!));
  const postingsOf = (T: number) => {
    const counts = new Uint32Array(F * T + 1);
    parts.forEach(({ index, keep }, s) => {
      const localT = index.terms.length;
      for (let t = 0; t < localT; t++) {
        const g = globalOf[s][t];
        if (g === NO_TERM) continue;
        for (let f = 0; f < F; f++) {
          const from = index.offsets[f * localT + t], to = index.offsets[f * localT + t + 1];
          let n = to - from;
          if (keep) { n = 0; for (let i = from; i < to; i++) if (keep.newId[index.docs[i]] >= 0) n++; }
          counts[f * T + g + 1] += n;
        }
      }
    });
    return counts;
  };
  let counts = postingsOf(terms.length);
  if (parts.some((p) => p.keep)) {
    // Terms only left-out documents had are not terms of the merged index.
    const T = terms.length;
    const kept = terms.filter((_, t) => { for (let f = 0; f < F; f++) if (counts[f * T + t + 1] > 0) return true; return false; });
    if (kept.length < T) {
      terms = kept;
      termIds = new Map(terms.map((t, i) => [t, i]));
      globalOf = parts.map(({ index }) => Uint32Array.from(index.terms, (t) => termIds.get(t) ?? NO_TERM));
      counts = postingsOf(terms.length);
    }
  }
  const offsets = counts; // counts[i + 1] is slot i's; summed in place, they are the offsets
  for (let i = 1; i < offsets.length; i++) offsets[i] += offsets[i - 1];
  const refs: string[] = [];
  for (const { index, keep } of parts) {
    const base = refs.length;
    if (keep) { refs.length += keep.count; index.refs.forEach((r, d) => { if (keep.newId[d] >= 0) refs[base + keep.newId[d]] = r; }); }
    else for (const r of index.refs) refs.push(r);
  }
  return { index: { fields: [...fields], refs, terms, termIds, offsets }, postings: offsets[offsets.length - 1], parts, globalOf };
}

/**
 * A merge's postings, copied from its parts in the merged index's order, a run of slots at a time
 * (a slot is a term in a field, `f * terms + t`): so that a large merge can go to a file a run at a
 * time rather than be held whole (see shardFile.ts: writeShardSetFile). Each part keeps, per
 * field, where it is in its own sorted terms, so the runs together read each part's terms once.
 */
export class MergedPostings {
  /** The first slot not yet copied. */
  private slot = 0;
  private field = -1;
  /** Per part: its next term to look at, in the current field. */
  private readonly cursor: Uint32Array;
  /** Per part: the merged id of its first kept document. */
  private readonly base: Uint32Array;

  constructor(private readonly plan: MergePlan) {
    this.cursor = new Uint32Array(plan.parts.length);
    this.base = new Uint32Array(plan.parts.length);
    let next = 0;
    plan.parts.forEach(({ index, keep }, s) => { this.base[s] = next; next += keep ? keep.count : index.refs.length; });
  }

  /**
   * The postings not yet copied, a run of slots at a time, each run of at most `size` postings
   * unless one slot has more (a slot is never split). Every run is in the same two buffers: a run
   * is used before the next is asked for. `at`: the run's first posting in the merged index.
   */
  *runs(size: number): Generator<{ at: number; docs: Uint32Array; weights: Uint32Array }> {
    const offsets = this.plan.index.offsets, last = offsets.length - 1;
    let docs = new Uint32Array(size), weights = new Uint32Array(size);
    while (this.slot < last) {
      const start = offsets[this.slot];
      // The furthest slot boundary within `size` postings, one slot on at least.
      let lo = this.slot + 1, hi = last;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (offsets[mid] - start <= size) lo = mid; else hi = mid - 1;
      }
      const n = offsets[lo] - start;
      if (n > docs.length) { docs = new Uint32Array(n); weights = new Uint32Array(n); }
      this.fill(lo, docs, weights);
      yield { at: start, docs: docs.subarray(0, n), weights: weights.subarray(0, n) };
    }
  }

  /**
   * Copies the postings of the slots from the first not yet copied (`slot`) up to `to` into docs
   * and weights, the first at index 0 (they hold offsets[to] - offsets[slot] postings; all are
   * copied once `to` is the offsets' length - 1). Each posting stays sorted by document:
   * the parts are copied in order, and each part's documents come after the last part's.
   */
  fill(to: number, docs: Uint32Array, weights: Uint32Array): void {
    const { index: { offsets, terms }, parts, globalOf } = this.plan;
    const T = terms.length;
    const first = offsets[this.slot];
    const at = offsets.slice(this.slot, to); // where each slot's next posting goes, from `first`
    for (let i = 0; i < at.length; i++) at[i] -= first;
    while (this.slot < to) {
      const f = Math.floor(this.slot / T);
      if (f !== this.field) { this.field = f; this.cursor.fill(0); }
      const end = Math.min(to, (f + 1) * T) - f * T; // terms [.., end) of field f are in this run
      const atBase = f * T - (to - at.length); // at[atBase + g] is slot f * T + g's
      for (let s = 0; s < parts.length; s++) {
        const { index, keep } = parts[s];
        const ids = globalOf[s], localT = index.terms.length, base = this.base[s];
        let t = this.cursor[s];
        for (; t < localT; t++) {
          const g = ids[t];
          if (g === NO_TERM) continue;
          if (g >= end) break;
          let w = at[atBase + g];
          for (let i = index.offsets[f * localT + t], stop = index.offsets[f * localT + t + 1]; i < stop; i++) {
            const d = keep ? keep.newId[index.docs[i]] : index.docs[i];
            if (d < 0) continue;
            docs[w] = d + base;
            weights[w++] = index.weights[i];
          }
          at[atBase + g] = w;
        }
        this.cursor[s] = t;
      }
      this.slot = f * T + end;
    }
  }
}
