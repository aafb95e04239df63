import type { Library, Paper } from './library';
import { EditDistanceFrom } from '../util/text';

/**
 * Ranks papers for what has been typed of a key: the key itself first, then aliases, title words,
 * then author names. Scans the in-memory match words (no full-text index), so it answers during
 * indexing.
 *
 * The words are kept joined, field by field (FieldText), and a hit in an earlier field always ranks
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
    scan(st.fields[f], needle, (index, at, text, paperStart, paperEnd) => {
      if (!seen.has(index)) add(index, wordStartScore(f, text, paperStart, paperEnd, at + 1, q.length));
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
 * One field's words for all papers, in key order, in pieces of a few hundred papers: `pieces[c]`
 * holds papers `firstPaper[c]` up to the next piece's first, paper i's words as " w1 w2 ..." from
 * offset `start[i]` in its piece to the next paper's offset (or the piece's end; nothing when it
 * has none). Joining them into one string held the thread for tens of milliseconds in a large
 * library. Offsets count from their own piece's start, so a piece joined again (an edited note)
 * moves no other piece's offsets.
 */
interface FieldText { pieces: string[]; firstPaper: number[]; start: Int32Array }

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
  const fields: FieldText[] = [0, 1, 2, 3].map(() => ({ pieces: [], firstPaper: [], start: new Int32Array(n + 1) }));
  for (let from = 0; ; from += PAPERS_PER_PIECE) {
    const to = Math.min(n, from + PAPERS_PER_PIECE);
    const pieces = joinPieces(all, from, to, fields);
    for (let f = 0; f < FIELDS; f++) {
      fields[f].pieces.push(pieces[f]);
      fields[f].firstPaper.push(from);
    }
    if (to === n) break;
    yield;
    if (library.version !== version) return; // superseded: the next rebuild builds its own
  }
  searchTexts.set(library, { version, fields });
}

const PAPERS_PER_PIECE = 500;

/**
 * Papers `from` to `to`'s words as one piece per field, each paper's offset in its piece noted in
 * the field. One string per group of words (" w1 w2 ..."): a push per word made this the costliest
 * step.
 */
function joinPieces(all: readonly Paper[], from: number, to: number, fields: FieldText[]): string[] {
  const parts: string[][] = [[], [], [], []];
  const lengths = [0, 0, 0, 0];
  for (let i = from; i < to; i++) {
    const m = all[i].match; // once per paper: for a paper of one digest entry, each read makes it
    for (let f = 0; f < FIELDS; f++) {
      fields[f].start[i] = lengths[f];
      const words = fieldWords(m, f);
      if (words.length) { parts[f].push(' ', words); lengths[f] += 1 + words.length; }
    }
  }
  return parts.map((p) => p.join(''));
}

/** A paper's words in one field, space-separated ('' for none). */
function fieldWords(m: Paper['match'], f: number): string {
  return f === KEY ? m.key : f === ALIAS ? (m.aliases.length ? m.aliases.join(' ') : '') : f === TITLE ? m.titleWords : f === AUTHOR ? m.authorWords : '';
}

/**
 * How Library.patchNote changed the key-sorted list of papers: the edited note's paper replaced
 * (`replaced`: where it is now), and at most one paper inserted (`inserted`: where it is now; the
 * note's digest entries parted from it) or removed (`removed`: where it was; a paper of digest
 * entries joined the note).
 */
export interface ListPatch { replaced: number; inserted?: number; removed?: number }

/**
 * Follows a patch of the library (from `versionBefore` to its version) in completion's search
 * text, if the text was that of `versionBefore`: the pieces holding the changed papers are joined
 * again, and the papers after an inserted or removed one move by one place. So the first
 * completion after a note edit does not join every paper's words again.
 */
export function patchSearchText(library: Library, versionBefore: number, patch: ListPatch): void {
  const st = searchTexts.get(library);
  if (!st || st.version !== versionBefore) return;
  const all = library.papers();
  if (patch.inserted !== undefined) movePapers(st, all, patch.inserted, 1);
  else if (patch.removed !== undefined && !movePapers(st, all, patch.removed, -1)) return; // left behind: made again when asked
  rejoinPiece(st, all, pieceOf(st, patch.replaced));
  st.version = library.version;
}

/** Whether completion's search text is that of the library's current version (tests). */
export function searchTextIsCurrent(library: Library): boolean {
  return searchTexts.get(library)?.version === library.version;
}

/** The piece that holds (or, at the end, would hold) the paper at `index`. */
function pieceOf(st: SearchText, index: number): number {
  const { firstPaper } = st.fields[0]; // the same pieces in every field
  let c = 0;
  while (c + 1 < firstPaper.length && firstPaper[c + 1] <= index) c++;
  return c;
}

/**
 * A paper inserted at `at` (delta 1: `at` counts in the new list) or removed from `at` (delta -1:
 * in the old list): every later paper's offset moves one place in the array, the later pieces
 * begin one paper later or earlier, and the piece holding `at` is joined again from `all`, the new
 * list. False, changing nothing, when the removal would empty a piece.
 */
function movePapers(st: SearchText, all: readonly Paper[], at: number, delta: 1 | -1): boolean {
  const c = pieceOf(st, at);
  const { firstPaper } = st.fields[0];
  const end = c + 1 < firstPaper.length ? firstPaper[c + 1] : all.length - delta;
  if (delta === -1 && end - firstPaper[c] === 1) return false;
  for (const field of st.fields) {
    const old = field.start;
    const start = new Int32Array(all.length + 1);
    start.set(old.subarray(0, at + 1), 0);
    // After `at`, each paper's offset is that of the paper it was (the piece holding `at` is joined again below).
    if (delta === 1) start.set(old.subarray(at), at + 1); else start.set(old.subarray(at + 2), at + 1);
    field.start = start;
    for (let k = c + 1; k < field.firstPaper.length; k++) field.firstPaper[k] += delta;
  }
  rejoinPiece(st, all, c);
  return true;
}

/** Joins piece `c` again from `all` (its offsets are its own: no other piece's move). */
function rejoinPiece(st: SearchText, all: readonly Paper[], c: number): void {
  const { firstPaper } = st.fields[0];
  const from = firstPaper[c], to = c + 1 < firstPaper.length ? firstPaper[c + 1] : all.length;
  const pieces = joinPieces(all, from, to, st.fields);
  for (let f = 0; f < FIELDS; f++) st.fields[f].pieces[c] = pieces[f];
}

/**
 * Calls `hit(paperIndex, at, piece, paperStart, paperEnd)` for the first occurrence of `needle` in
 * each paper's words of the field, in key order: `at` is the offset in `piece`, and the paper's
 * words lie from `paperStart` to `paperEnd` there.
 */
function scan(field: FieldText, needle: string, hit: (index: number, at: number, piece: string, paperStart: number, paperEnd: number) => void): void {
  const { pieces, firstPaper, start } = field;
  for (let c = 0; c < pieces.length; c++) {
    const text = pieces[c];
    const last = (c + 1 < pieces.length ? firstPaper[c + 1] : start.length - 1) - 1;
    let from = 0;
    for (;;) {
      const at = text.indexOf(needle, from);
      if (at < 0) break;
      // The paper holding the hit. Written out here rather than through a shared search helper: with
      // the comparison passed as a function, ranking was measurably slower (the keystroke path).
      let lo = firstPaper[c], hi = last;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (start[mid] <= at) lo = mid; else hi = mid - 1;
      }
      const end = lo < last ? start[lo + 1] : text.length;
      hit(lo, at, text, start[lo], end);
      from = Math.max(at + 1, end); // on past this paper (and never back: offsets out of step would loop)
    }
  }
}

/** Score of a word-start hit at `wordAt` (in `piece`, where the paper's words lie from `paperStart` to `end`): key > alias > title word > author; whole words and close lengths first. */
function wordStartScore(f: number, piece: string, paperStart: number, end: number, wordAt: number, qLength: number): number {
  let wordEnd = piece.indexOf(' ', wordAt);
  if (wordEnd < 0 || wordEnd > end) wordEnd = end;
  const extra = Math.min(99, wordEnd - wordAt - qLength);
  if (f === KEY) return wordAt - 1 === paperStart ? (extra === 0 ? 1000 : 900 - extra) : 800 - extra;
  if (f === ALIAS) return 800 - extra;
  if (f === TITLE) return extra === 0 ? 700 : 650;
  return extra === 0 ? 600 : 550;
}

/**
 * The closest known keys to an unknown one: edit distance, then shared prefix. Remembered for the
 * library's version (hover, diagnostics and quick fixes ask about the same keys again and again).
 */
export function suggestKeys(library: Library, unknown: string, limit = 3): string[] {
  const table = keyTable(library);
  const asked = `${limit} ${unknown}`;
  let found = table.suggested.get(asked);
  if (!found) {
    found = closestKeys(library, table, unknown, limit);
    if (table.suggested.size >= SUGGESTIONS_KEPT) table.suggested.clear();
    table.suggested.set(asked, found);
  }
  return [...found];
}

function closestKeys(library: Library, table: KeyTable, unknown: string, limit: number): string[] {
  const q = unknown.toLowerCase();
  const max = Math.max(2, Math.floor(q.length / 3));
  const qParts = keyParts(q);
  const qMask = charMask(q);
  const partsMask = charMask(qParts.join(''));
  const found: { key: string; d: number }[] = [];
  const { keys, lower, masks } = table;
  const first = q.charCodeAt(0);
  const distance = new EditDistanceFrom(q);
  for (let i = 0; i < keys.length; i++) {
    const k = lower[i];
    // Too far unless the lengths are within max; and an edit changes at most two of the kinds of
    // character a key has (one goes, one comes), so keys whose kinds differ by more than 2 * max
    // are too far as well. Most keys are skipped without the edit distance.
    let d = max + 1;
    if (Math.abs(k.length - q.length) <= max && countBits(masks[2 * i] ^ qMask[0]) + countBits(masks[2 * i + 1] ^ qMask[1]) <= 2 * max) d = distance.to(k, max);
    if (d > max && q.length >= 4 && k.charCodeAt(0) === first && (k.startsWith(q) || q.startsWith(k))) d = max;
    // (The parts' characters must all be in the key before it is searched for them.)
    if (d > max && qParts.length > 1 && (partsMask[0] & ~masks[2 * i]) === 0 && (partsMask[1] & ~masks[2 * i + 1]) === 0 && containsAll(k, qParts)) {
      // The same words in another order (truthfulqa2022lin for lin2022truthfulqa) count as close.
      const shared = keyParts(k).filter((p) => qParts.includes(p)).length;
      if (shared === qParts.length) d = 1;
      else if (shared * 2 >= qParts.length + 1) d = max;
    }
    if (d <= max) found.push({ key: keys[i], d });
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

/** Suggestions remembered per library version, at most (a draft may cite thousands of unknown keys). */
const SUGGESTIONS_KEPT = 2000;

/** Every key and alias, lower-cased, with the kinds of character in each (charMask): what suggestKeys scans. */
interface KeyTable { version: number; keys: string[]; lower: string[]; masks: Uint32Array; suggested: Map<string, string[]> }
const keyTables = new WeakMap<Library, KeyTable>();

function keyTable(library: Library): KeyTable {
  let table = keyTables.get(library);
  if (table?.version !== library.version) {
    const keys = [...library.keys()];
    const lower = keys.map((k) => k.toLowerCase());
    const masks = new Uint32Array(2 * keys.length);
    for (let i = 0; i < keys.length; i++) {
      const [letters, others] = charMask(lower[i]);
      masks[2 * i] = letters;
      masks[2 * i + 1] = others;
    }
    table = { version: library.version, keys, lower, masks, suggested: new Map() };
    keyTables.set(library, table);
  }
  return table;
}

/** Which kinds of character a lower-cased key has: a bit per letter a-z, then per digit, then one for anything else. */
function charMask(key: string): [number, number] {
  let letters = 0, others = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 97 && c <= 122) letters |= 1 << (c - 97);
    else if (c >= 48 && c <= 57) others |= 1 << (c - 48);
    else others |= 1 << 10;
  }
  return [letters, others];
}

function containsAll(key: string, parts: readonly string[]): boolean {
  for (let p = 0; p < parts.length; p++) if (!key.includes(parts[p])) return false;
  return true;
}

function countBits(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** A key's words and numbers: lin2022truthfulqa -> lin, 2022, truthfulqa. */
function keyParts(key: string): string[] {
  return key.match(/[a-z]+|\d+/g)?.filter((p) => p.length > 1) ?? [];
}
