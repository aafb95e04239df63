/**
 * Candidate topic phrases in a paper's title and abstract: 1-3 word n-grams that do not start or
 * end with a stop word or academic boilerplate ("we propose", "results show"), hyphens split
 * ("mixture-of-experts" = "mixture of experts"), plurals folded ("reward models" = "reward model").
 *
 * Texts are tokenized once into word ids (the costly part: normalising and matching words), so
 * a recomputation reuses them; phrases are then read off the ids, either all of them (for the
 * papers topics are chosen from) or only the chosen ones (to assign every paper, via a trie).
 */

import { asciiBytes, AsciiWordTable, FNV_OFFSET, FNV_PRIME, IS_BLANK, LOWER } from '../util/asciiWords';

const STOP = new Set(('a an the of for and or nor but in on at to with without by from as via is are was were be been being ' +
  'into onto over under about between across through using use uses used do does did can could should would will may might ' +
  'we our you your it its this that these those what when how why which who whom where than then vs versus not no yet so if ' +
  'such each both all any more most less other another same their they them there here also only very can\'t isn\'t ' +
  'i e g et al etc up out while whether within without upon per').split(' '));

/** Words that say nothing about a paper's subject: never a topic alone, never at a phrase's start (but see COMPOUND_HEADS). */
const GENERIC = new Set(('model models modeling modelling method methods approach approaches paper papers propose proposed proposes ' +
  'show shows showed shown demonstrate demonstrates demonstrated result results performance perform performs data dataset datasets ' +
  'training train trained task tasks new novel based existing different various significant significantly state art ' +
  'first second two three one four five several many well improve improves improved improvement improvements improving achieve ' +
  'achieves achieved framework frameworks study studies extensive experiment experiments effective effectively efficiency ' +
  'specific general key work works problem problems challenge challenges challenging ' +
  'technique techniques strategy strategies present presents introduce introduces introduced evaluate evaluated evaluation ' +
  'evaluations recent recently prior previous further however although limited limitation limitations level better best ' +
  'outperform outperforms outperforming baseline baselines compared comparison code available github https http com www ' +
  'release released publicly source open make makes making way ways number numbers range wide variety lack often thus ' +
  'address addresses addressing able enable enables enabling provide provides providing including include includes ' +
  'across leverage leverages leveraging consistently substantially highly even still time times setting settings').split(' '));

export interface PaperPhrases {
  /** Phrase ids (see PhraseKeys), in the order they first occur (title first). */
  ids: Int32Array;
  /** Each phrase's weight in this paper (title occurrences count 3, abstract 1). */
  weights: Float64Array;
  /** 1 where the phrase occurs in the title. */
  inTitle: Uint8Array;
}

function fold(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1);
  return word;
}

/** A phrase as written ("Mixture-of-Experts") as its key: folded words joined by spaces ("mixture of expert"). */
export function phraseKeyOf(text: string): string {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).map(fold).join(' ');
}

/**
 * Generic words that also open the names of fields ("time series", "state space models", "model
 * merging", "data selection", "task vectors"): they may start a phrase that holds a non-generic word.
 */
const COMPOUND_HEADS = new Set('state time model data task training'.split(' '));

/** Fine inside or at the start of a phrase ("low rank", "parameter efficient"), never a topic alone. */
const NOT_ALONE = new Set('efficient efficiently large small low high fine multi cross deep'.split(' '));

/**
 * Every distinct word seen, with what the phrase rules need to know about it. Id 0 separates
 * segments. Words are looked up by their bytes in the text (util/asciiWords.ts), so a word seen
 * before costs no substring and no string hashing.
 */
export class WordTable {
  private readonly ids = new AsciiWordTable();
  readonly words: string[] = [''];
  readonly folded: string[] = [''];
  /** Word id -> id of its folded form ("models" and "model" share one). */
  readonly foldedId: number[] = [0];
  private readonly foldedIds = new Map<string, number>();
  readonly canStart: boolean[] = [false];
  readonly canEnd: boolean[] = [false];
  readonly isStop: boolean[] = [false];
  readonly isGeneric: boolean[] = [false];
  /** Whether the word may be a one-word phrase (when it can also start and end one). */
  readonly alone: boolean[] = [false];

  /** The id of the word bytes[start, end) (ASCII, read lower-cased), whose FNV-1a hash (lower-cased) the caller computed. */
  idOf(bytes: Uint8Array, start: number, end: number, h: number): number {
    const id = this.ids.idOf(bytes, start, end, h);
    if (id === this.words.length) this.describe(this.ids.word(id));
    return id;
  }

  foldedIdOf(folded: string): number | undefined {
    return this.foldedIds.get(folded);
  }

  /** What the phrase rules need to know of a new word (its id is the next one). */
  private describe(word: string): void {
    this.words.push(word);
    const folded = fold(word);
    this.folded.push(folded);
    let f = this.foldedIds.get(folded);
    if (f === undefined) this.foldedIds.set(folded, (f = this.foldedIds.size + 1));
    this.foldedId.push(f);
    const stop = STOP.has(word), numeric = /^\d+$/.test(word);
    this.isStop.push(stop);
    this.isGeneric.push(GENERIC.has(word));
    this.canStart.push(!stop && (!GENERIC.has(word) || COMPOUND_HEADS.has(word)) && word.length > 1 && !numeric);
    this.canEnd.push(!stop && word.length > 1 && !numeric);
    this.alone.push(word.length >= 3 && !GENERIC.has(word) && !NOT_ALONE.has(word));
  }
}

/**
 * A text as word ids, lower-cased, accents dropped, hyphens split, with 0 wherever punctuation
 * (or a URL, or a dash between spaces) ends a run of words. A word is `[a-z0-9]+`; an apostrophe
 * and what follows ("model's", "don't") is dropped. Scanned by hand, over the text's bytes: a
 * regex match object per word made this the most expensive step of topic derivation, and reading
 * a byte array costs less than reading the string a character at a time.
 */
export function tokenize(text: string, table: WordTable): Uint32Array {
  const ascii = asciiBytes(text);
  if (!ascii) return wordsOutsideUrls(textScratch, 0, foldedBytes(text), table);
  return wordsOutsideUrls(ascii.bytes, 0, ascii.length, table);
}

const utf8 = new TextDecoder();

/**
 * tokenize() for UTF-8 text in bytes[start, end), as the topics worker receives titles and
 * abstracts: ASCII text (nearly every abstract) is read as it is, without ever becoming a string;
 * other text is decoded first (a lone surrogate was sent as U+FFFD, which tokenizes alike).
 */
export function tokenizeUtf8(bytes: Uint8Array, start: number, end: number, table: WordTable): Uint32Array {
  // A URL needs "://": text without one is read with nothing to leave out.
  let url = -1;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b >= 128) return tokenize(utf8.decode(bytes.subarray(start, end)), table);
    if (b === 58 /* : */ && url < 0 && bytes[i + 1] === 47 && bytes[i + 2] === 47) url = i;
  }
  return url < 0 ? scanWords(bytes, start, end, table) : wordsOutsideUrls(bytes, start, end, table, url);
}

/**
 * The word ids of bytes[from, n), each URL (`https?://` and what follows up to a space, in any
 * case) a break, as if it were " . ": the text between URLs is scanned, the URLs are not (nor
 * copied, nor written over: the topics worker's text is shared with its helper). `colon`: where
 * to start looking for the first URL's "://".
 */
function wordsOutsideUrls(bytes: Uint8Array, from: number, n: number, table: WordTable, colon = from): Uint32Array {
  let w = openText(n - from);
  const first = w;
  let at = from;
  for (let c = colon; c + 3 < n; c++) {
    if (bytes[c] !== 58 /* : */ || bytes[c + 1] !== 47 /* / */ || bytes[c + 2] !== 47 || IS_BLANK[bytes[c + 3]]) continue;
    // "http" or "https" just before it, in either case ((c | 32) is the lower-case letter), and not
    // inside a URL already left out.
    const s = c - 5 >= at && (bytes[c - 1] | 32) === 115 /* s */ && isHttp(bytes, c - 5) ? c - 5 : c - 4 >= at && isHttp(bytes, c - 4) ? c - 4 : -1;
    if (s < 0) continue;
    let e = c + 3;
    while (e < n && !IS_BLANK[bytes[e]]) e++;
    w = scanInto(bytes, at, s, first, w, table);
    if (w > first && block[w - 1] !== 0) block[w++] = 0;
    at = e;
    c = e - 1;
  }
  return closeText(first, scanInto(bytes, at, n, first, w, table));
}

const isHttp = (bytes: Uint8Array, i: number) => (bytes[i] | 32) === 104 /* h */ && (bytes[i + 1] | 32) === 116 && (bytes[i + 2] | 32) === 116 && (bytes[i + 3] | 32) === 112;

/** The word ids of bytes[from, n) (see tokenize), there being no URL in them. */
function scanWords(bytes: Uint8Array, from: number, n: number, table: WordTable): Uint32Array {
  const first = openText(n - from);
  return closeText(first, scanInto(bytes, from, n, first, first, table));
}

/**
 * Makes room in the current block (see below) for a text of `length` bytes, which has fewer words
 * than characters, so that its length + 1 ids are enough; returns where its ids start.
 */
function openText(length: number): number {
  const room = length + 1;
  if (blockUsed + room > block.length) {
    block = new Uint32Array(Math.max(BLOCK_SIZE, room));
    blockUsed = 0;
  }
  return blockUsed;
}

/** The ids written since openText returned `first`, up to `end`, which the next text follows. */
function closeText(first: number, end: number): Uint32Array {
  blockUsed = end;
  return block.subarray(first, end);
}

/** Scans bytes[from, n) into the block from `end` on, for a text whose ids start at `first`; returns the new end. */
function scanInto(bytes: Uint8Array, from: number, n: number, first: number, end: number, table: WordTable): number {
  const out = block;
  let i = from;
  while (i < n) {
    const kind = KIND[bytes[i]];
    if (kind === WORD) {
      // The word's hash is computed while scanning it, so a known word is found without a substring.
      const start = i;
      let h = FNV_OFFSET;
      do h = Math.imul(h ^ LOWER[bytes[i]], FNV_PRIME); while (++i < n && KIND[bytes[i]] === WORD);
      out[end++] = table.idOf(bytes, start, i, h);
      if (i + 1 < n && bytes[i] === 39 /* ' */ && IS_LETTER[bytes[i + 1]]) {
        i++;
        while (i < n && IS_LETTER[bytes[i]]) i++;
      }
      continue;
    }
    if (kind === BREAK) {
      if (end > first && out[end - 1] !== 0) out[end++] = 0;
    } else if (kind === SPACE && i + 2 < n && bytes[i + 1] === 45 /* - */ && (KIND[bytes[i + 2]] === SPACE || bytes[i + 2] === 10)) {
      if (end > first && out[end - 1] !== 0) out[end++] = 0;
      i += 3;
      continue;
    }
    i++;
  }
  return end;
}

let textScratch = new Uint8Array(4096);

/**
 * Text that is not all ASCII into textScratch as one byte per character: normalised, accents
 * dropped and lower-cased first, then ASCII as is, “ and ” a quote (a break), other spaces a space
 * (so a URL ends at any space), anything else a byte that is neither word nor space. Returns how many bytes.
 */
function foldedBytes(text: string): number {
  const clean = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  if (textScratch.length < clean.length) textScratch = new Uint8Array(Math.max(clean.length, textScratch.length * 2));
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    textScratch[i] = c < 128 ? c : c === 0x201c || c === 0x201d ? 34 : isSpace(c) ? 32 : 0x80;
  }
  return clean.length;
}

/**
 * Token arrays are cut from shared blocks rather than allocated one by one: a computation keeps
 * two per paper, and tens of thousands of small buffers cost the garbage collector more than
 * sharing costs. tokenize() writes each text's ids after the last text's.
 */
let block = new Uint32Array(0);
let blockUsed = 0;
const BLOCK_SIZE = 1 << 18;

/**
 * Runs `read`, whose token arrays are not used after it returns: the room they took in the current
 * block is written over by the next text. For a pass that reads every paper of a library once and
 * keeps none of its tokens, which would otherwise leave a block of garbage per few hundred papers.
 */
export function withTransientTokens<T>(read: () => T): T {
  const before = block, used = blockUsed;
  try {
    return read();
  } finally {
    if (block === before) blockUsed = used;
  }
}

const OTHER = 0, WORD = 1, BREAK = 2, SPACE = 3;
/** What each byte is to the tokenizer (any byte above 127 stands for a character that is neither word nor space). */
const KIND = (() => {
  const kinds = new Uint8Array(256);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    kinds[c] = /[a-zA-Z0-9]/.test(ch) ? WORD : '.,;:!?()[]{}"\n'.includes(ch) ? BREAK : /\s/.test(ch) ? SPACE : OTHER;
  }
  return kinds;
})();
/** 1 for an ASCII letter, either case. */
const IS_LETTER = Uint8Array.from({ length: 256 }, (_, c) => ((c | 32) >= 97 && (c | 32) <= 122 ? 1 : 0));

/** JavaScript's `\s`, for characters above ASCII. */
function isSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Whether words[i .. i+n-1] form a phrase under the rules above (the first word is known to start one). */
function phraseAt(tokens: Uint32Array, i: number, n: number, t: WordTable): boolean {
  const last = tokens[i + n - 1];
  if (!t.canEnd[last]) return false;
  if (n === 3 && t.isStop[tokens[i + 1]] && t.words[tokens[i + 1]] !== 'of' && t.words[tokens[i + 1]] !== 'and') return false;
  if (n === 1) return t.alone[tokens[i]];
  if (t.isGeneric[tokens[i]]) {
    for (let j = i + 1; j < i + n; j++) if (!t.isGeneric[tokens[j]] && !t.isStop[tokens[j]]) return true;
    return false;
  }
  return true;
}

/**
 * The phrases of one computation, numbered: papers' phrase lists and document frequencies are
 * keyed by number, since hashing a freshly concatenated string per occurrence dominated the cost.
 * A phrase's key is its folded words joined by spaces ("reward model").
 */
export class PhraseKeys {
  /** Folded word id -> one-word phrase id. */
  private readonly roots: number[] = [];
  /**
   * (phrase id, next folded word id) -> longer phrase id + 1, by open addressing (0: empty).
   * One table for all phrases: a Map per phrase meant hundreds of thousands of Maps to collect.
   */
  private slots: Int32Array;
  private readonly parent: number[] = [];
  private readonly lastFolded: number[] = [];
  private readonly last: string[] = [];
  private readonly keys: (string | undefined)[] = [];
  /** Words in each phrase. */
  readonly length: number[] = [];

  /**
   * `expected`: about how many phrases there will be, so the table starts large enough (growing it
   * from small rehashed every phrase several times).
   */
  constructor(private readonly table: WordTable, expected = 0) {
    let size = 1 << 16;
    while (size < expected * 2) size *= 2;
    this.slots = new Int32Array(size);
  }

  /** The phrase `parent` + the word, or the one-word phrase (parent -1); created when new. */
  extend(parent: number, word: number): number {
    const folded = this.table.foldedId[word];
    if (parent < 0) {
      const found = this.roots[folded];
      if (found !== undefined) return found;
      return (this.roots[folded] = this.add(parent, folded, word));
    }
    const mask = this.slots.length - 1;
    let slot = pairHash(parent, folded) & mask;
    for (let s = this.slots[slot]; s !== 0; slot = (slot + 1) & mask, s = this.slots[slot]) {
      if (this.parent[s - 1] === parent && this.lastFolded[s - 1] === folded) return s - 1;
    }
    const id = this.add(parent, folded, word);
    this.slots[slot] = id + 1;
    if (this.length.length * 2 > this.slots.length) this.grow();
    return id;
  }

  private add(parent: number, folded: number, word: number): number {
    const id = this.length.length;
    this.length.push(parent < 0 ? 1 : this.length[parent] + 1);
    this.parent.push(parent);
    this.lastFolded.push(folded);
    this.last.push(this.table.folded[word]);
    this.keys.push(undefined);
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.parent.length; id++) {
      if (this.parent[id] < 0) continue;
      let slot = pairHash(this.parent[id], this.lastFolded[id]) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }

  /** The phrase as its folded words joined by spaces ("reward model"). */
  keyOf(id: number): string {
    return (this.keys[id] ??= this.parent[id] < 0 ? this.last[id] : `${this.keyOf(this.parent[id])} ${this.last[id]}`);
  }

  /** Whether any word of the phrase has one of these folded word ids. */
  hasWordOf(id: number, folded: Set<number>): boolean {
    for (let p = id; p >= 0; p = this.parent[p]) if (folded.has(this.lastFolded[p])) return true;
    return false;
  }

  /** The id of a one-word phrase, if it was seen. */
  unigram(folded: string): number | undefined {
    const f = this.table.foldedIdOf(folded);
    return f === undefined ? undefined : this.roots[f];
  }
}

/**
 * Per-phrase tallies for the paper being read, indexed by phrase id (or, in a PhraseMatcher, by
 * the phrase's index) and cleared after each paper (a Map per paper was the costliest part of
 * reading phrases).
 */
export class PhraseTally {
  weight = new Float64Array(1 << 14);
  title = new Uint8Array(1 << 14);
  /** The ids tallied since the last clear, in the order first met. */
  readonly seen: number[] = [];

  add(id: number, weight: number, title: boolean): void {
    if (id >= this.weight.length) this.grow(id);
    if (this.weight[id] === 0) this.seen.push(id);
    this.weight[id] += weight;
    if (title) this.title[id] = 1;
  }

  /** The paper's phrases in first-occurrence order; resets the tallies. */
  take(): PaperPhrases {
    const n = this.seen.length;
    const out: PaperPhrases = { ids: new Int32Array(n), weights: new Float64Array(n), inTitle: new Uint8Array(n) };
    for (let j = 0; j < n; j++) {
      const id = this.seen[j];
      out.ids[j] = id;
      out.weights[j] = this.weight[id];
      out.inTitle[j] = this.title[id];
    }
    this.clear();
    return out;
  }

  /** Resets the tallies (only the ids seen: the arrays stay zero elsewhere). */
  clear(): void {
    for (const id of this.seen) {
      this.weight[id] = 0;
      this.title[id] = 0;
    }
    this.seen.length = 0;
  }

  private grow(id: number): void {
    let size = this.weight.length * 2;
    while (size <= id) size *= 2;
    const weight = new Float64Array(size), title = new Uint8Array(size);
    weight.set(this.weight);
    title.set(this.title);
    this.weight = weight;
    this.title = title;
  }
}

const tally = new PhraseTally();

function pairHash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

function addPhrases(tokens: Uint32Array, table: WordTable, keys: PhraseKeys, weight: number, title: boolean): void {
  for (let i = 0; i < tokens.length; i++) {
    if (!table.canStart[tokens[i]]) continue;
    let key = -1;
    for (let n = 1; n <= 3 && i + n <= tokens.length && tokens[i + n - 1] !== 0; n++) {
      key = keys.extend(key, tokens[i + n - 1]);
      if (!phraseAt(tokens, i, n, table)) continue;
      tally.add(key, weight, title);
    }
  }
}

/** A paper's text, tokenized. */
export interface PaperTokens { title: Uint32Array; abstract: Uint32Array }

export function paperPhrases(tokens: PaperTokens, table: WordTable, keys: PhraseKeys): PaperPhrases {
  addPhrases(tokens.title, table, keys, 3, true);
  addPhrases(tokens.abstract, table, keys, 1, false);
  return tally.take();
}

/** How the paper writes a phrase where it first occurs, title first ("reward models" for "reward model"). */
export function surfaceOf(key: string, tokens: PaperTokens, table: WordTable): string | undefined {
  const words = key.split(' ');
  for (const text of [tokens.title, tokens.abstract]) {
    for (let i = 0; i + words.length <= text.length; i++) {
      if (!table.canStart[text[i]]) continue;
      let n = 0;
      while (n < words.length && text[i + n] !== 0 && table.folded[text[i + n]] === words[n]) n++;
      if (n === words.length && phraseAt(text, i, n, table)) return Array.from(text.subarray(i, i + n), (id) => table.words[id]).join(' ');
    }
  }
  return undefined;
}

/** `index`: the phrase's position among those the matcher was given. */
interface TrieNode { next: Map<number, TrieNode>; index?: number }

/** Weighs only the given phrases in a paper, with the same rules and weights as paperPhrases. */
export class PhraseMatcher {
  private readonly root: TrieNode = { next: new Map() };
  /**
   * 1 for each folded word id a phrase starts with. Most words start none, and this rules them out
   * before a lookup in the trie's root (which runs for every word of every paper).
   */
  private readonly starts: Uint8Array;
  /** The phrases' ids, in the order given. */
  private readonly ids: number[] = [];
  /** The trie is keyed by folded word ids of `table`; a phrase with a word the table lacks cannot occur. */
  constructor(phrases: Iterable<{ key: string; id: number }>, table: WordTable) {
    this.starts = new Uint8Array(table.words.length + 1);
    next: for (const { key, id } of phrases) {
      const index = this.ids.push(id) - 1;
      const path: number[] = [];
      for (const w of key.split(' ')) {
        const f = table.foldedIdOf(w);
        if (f === undefined) continue next;
        path.push(f);
      }
      this.starts[path[0]] = 1;
      let node = this.root;
      for (const f of path) {
        let child = node.next.get(f);
        if (!child) node.next.set(f, (child = { next: new Map() }));
        node = child;
      }
      node.index = index;
    }
  }

  /** Each phrase's weight in the paper, by phrase id, in the order they first occur. */
  weights(tokens: PaperTokens, table: WordTable): Map<number, number> {
    const found = new PhraseTally();
    this.tally(tokens, table, found);
    return new Map(found.seen.map((h) => [this.ids[h], found.weight[h]]));
  }

  /** Tallies each phrase's weight in the paper into `into`, by the phrase's index among those the matcher was given: no map per paper. */
  tally(tokens: PaperTokens, table: WordTable, into: PhraseTally): void {
    this.add(tokens.title, table, 3, into);
    this.add(tokens.abstract, table, 1, into);
  }

  private add(tokens: Uint32Array, table: WordTable, weight: number, into: PhraseTally): void {
    const starts = this.starts;
    for (let i = 0; i < tokens.length; i++) {
      if (!table.canStart[tokens[i]]) continue;
      const folded = table.foldedId[tokens[i]];
      // A folded form newer than the matcher starts no phrase (the read past the end gives undefined).
      if (!starts[folded]) continue;
      let node = this.root.next.get(folded);
      for (let n = 1; node && n <= 3; n++) {
        if (node.index !== undefined && phraseAt(tokens, i, n, table)) into.add(node.index, weight, false);
        if (n === 3 || i + n >= tokens.length || tokens[i + n] === 0) break;
        node = node.next.get(table.foldedId[tokens[i + n]]);
      }
    }
  }
}
