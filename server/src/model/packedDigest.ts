import type { PaperSource, StoredText, Text } from '../parse/types';
import type { TitleInfo } from './keys';
import { authorTokens } from '../parse/authors';
import { range, Range } from '../util/text';

/**
 * Digest entries as the library keeps them: a run of a digest's entries packed into one string of
 * their texts and one array of their numbers (a DigestPack), each entry an object of two fields that
 * reads its fields from there. A large library is mostly digest entries, and as plain objects each
 * held a dozen small objects and strings of its own (the source, its title details, its range, its
 * abstract's place, its lists). Fields are made when read, so what keeps one (a map's key, a paper's
 * key) keeps a slice of the pack's string, not a copy. Nothing changes a packed entry once made (a
 * write to a field throws).
 *
 * Only entries of the fields below pack; any other (a note's fields on a digest entry, a number that
 * does not fit) stays the object it was, so nothing a parser adds later is dropped here.
 */

/** Strings of every entry, in this order; then its lists' items (authors, code links, topics, keywords, organizations). */
const TITLE = 0, NORM = 1, WORDS = 2, BASE_KEY = 3, ARXIV = 4, DOI = 5, URL = 6, ISSUED = 7, ABSTRACT = 8, AUTHOR_WORDS = 9;
const STRINGS = 10;

/** Numbers of every entry, in this order. */
const FLAGS = 0, YEAR = 1, START_LINE = 2, START_CHAR = 3, END_LINE = 4, END_CHAR = 5, ORDINAL = 6;
const STORE_FILE = 7, STORE_AT = 8, STORE_BYTES = 9, DATE = 10, RANK = 11, LISTS = 12;
const LIST_FIELDS = ['authors', 'codeUrls', 'topics', 'keywords', 'organizations'] as const;
type ListField = (typeof LIST_FIELDS)[number];
const NUMBERS = LISTS + LIST_FIELDS.length;

/** FLAGS bits: which optional values are there. */
const HAS_YEAR = 1, HAS_ARXIV = 2, HAS_DOI = 4, HAS_URL = 8, STORED_ABSTRACT = 16, TEXT_ABSTRACT = 32, WORDS_ARE_NORM = 64, HAS_ISSUED = 128;
/** A list count for a list that is not there (keywords, organizations: undefined is not empty). */
const NO_LIST = -1;
const OPTIONAL_LISTS = new Set<ListField>(['keywords', 'organizations']);
const KNOWN_FLAGS = HAS_YEAR | HAS_ARXIV | HAS_DOI | HAS_URL | STORED_ABSTRACT | TEXT_ABSTRACT | WORDS_ARE_NORM | HAS_ISSUED;
/** Numbers no entry has below zero. */
const NON_NEGATIVE = [YEAR, START_LINE, START_CHAR, END_LINE, END_CHAR, ORDINAL];
/** Numbers that are a place in the pack's dates, or -1. */
const DATE_PLACES = [DATE, RANK];

/** A pack as a parse cache record keeps it (DigestPack.toRecord). */
export interface PackRecord { text: string; ends: string; first: string; numbers: string; dates: string[] }

const base64Of = (a: Uint32Array | Int32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** The array whose bytes `b64` gives (in this machine's byte order, as written), or undefined. */
function arrayOf<A extends Uint32Array | Int32Array>(b64: unknown, kind: { new (length: number): A }): A | undefined {
  if (typeof b64 !== 'string') return undefined;
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length % 4 !== 0) return undefined;
  const out = new kind(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Every field a packed entry holds; an entry with any other field set stays as it is. */
const PACKED_FIELDS = new Set<string>(['kind', 'uri', 'title', 'titleRange', 'authors', 'year', 'digestDate', 'dateRank', 'arxiv', 'doi', 'url', 'codeUrls', 'abstract', 'topics', 'keywords', 'organizations', 'issued', 'ordinal']);

const INT32_MAX = 0x7fffffff;
const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= INT32_MAX;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Whether the entry packs: a digest entry of the packed fields, each of the type the pack keeps. */
export function packable(s: PaperSource, uri: string): boolean {
  if (s.kind !== 'digest' || s.uri !== uri || typeof s.title !== 'string') return false;
  for (const k in s) if (!PACKED_FIELDS.has(k) && (s as unknown as Record<string, unknown>)[k] !== undefined) return false;
  const start = s.titleRange?.start, end = s.titleRange?.end;
  if (!isInt(start?.line) || !isInt(start.character) || !isInt(end?.line) || !isInt(end.character) || !isInt(s.ordinal)) return false;
  if (s.year !== undefined && !isInt(s.year)) return false;
  for (const k of ['arxiv', 'doi', 'url', 'issued', 'digestDate', 'dateRank'] as const) if (s[k] !== undefined && typeof s[k] !== 'string') return false;
  if (!isStrings(s.authors) || !isStrings(s.codeUrls) || !isStrings(s.topics)) return false;
  if ((s.keywords !== undefined && !isStrings(s.keywords)) || (s.organizations !== undefined && !isStrings(s.organizations))) return false;
  const a = s.abstract;
  return a === undefined || typeof a === 'string' || (typeof a === 'object' && isInt(a.file) && isInt(a.at) && isInt(a.bytes));
}

/** The entries of one run of a digest's sources (see the top of this file). */
export class DigestPack {
  private constructor(
    readonly uri: string,
    /** Every entry's texts, one after another. */
    private readonly text: string,
    /** Where each text ends in `text` (the first starts at 0). */
    private readonly ends: Uint32Array,
    /** Each entry's first text in `ends`. */
    private readonly first: Uint32Array,
    private readonly numbers: Int32Array,
    /** The run's digest dates and date ranks, each once (an entry holds its place here). */
    private readonly dates: string[],
    private readonly empty: string[],
  ) {}

  /**
   * The pack of `sources` (each packable), `infos` their title details, `empty` what an empty list
   * reads as. For a parse cache record (ingest/recordBody.ts), stored abstracts are places in the
   * record's texts (file 0).
   */
  static of(uri: string, sources: readonly PaperSource[], infos: readonly TitleInfo[], empty: string[]): DigestPack {
    // Sized first: every entry's texts, then its lists' items (a start's worth of entries is packed
    // on the server thread, so this is written for speed: indexed loops, no array per entry).
    let segments = sources.length * STRINGS;
    for (let i = 0; i < sources.length; i++) {
      for (let l = 0; l < LIST_FIELDS.length; l++) segments += sources[i][LIST_FIELDS[l]]?.length ?? 0;
    }
    const parts: string[] = new Array(segments);
    const ends = new Uint32Array(segments);
    const first = new Uint32Array(sources.length);
    const numbers = new Int32Array(sources.length * NUMBERS);
    const dates: string[] = [];
    const dateAt = new Map<string, number>();
    let lastDate: string | undefined, lastAt = -1; // a digest's entries mostly share one date
    const dateIndex = (d: string | undefined) => {
      if (d === undefined) return -1;
      if (d === lastDate) return lastAt;
      let at = dateAt.get(d);
      if (at === undefined) { dateAt.set(d, (at = dates.length)); dates.push(d); }
      lastDate = d; lastAt = at;
      return at;
    };
    let length = 0, k = 0;
    const add = (t: string) => { parts[k] = t; length += t.length; ends[k++] = length; };
    const optional = (t: string | undefined, bit: number) => { add(t ?? ''); return t === undefined ? 0 : bit; };
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i], info = infos[i], n = i * NUMBERS;
      first[i] = k;
      let flags = info.titleWords === info.norm ? WORDS_ARE_NORM : 0;
      add(s.title); add(info.norm); add(flags & WORDS_ARE_NORM ? '' : info.titleWords); add(info.baseKey);
      flags |= optional(s.arxiv, HAS_ARXIV) | optional(s.doi, HAS_DOI) | optional(s.url, HAS_URL) | optional(s.issued, HAS_ISSUED);
      const a = s.abstract;
      if (typeof a === 'string') { flags |= TEXT_ABSTRACT; add(a); } else add('');
      // Completion's words for the authors, made once here: a list made at each read keeps nothing.
      add(s.authors.length ? authorTokens(s.authors).join(' ') : '');
      if (a !== undefined && typeof a !== 'string') {
        flags |= STORED_ABSTRACT;
        numbers[n + STORE_FILE] = a.file; numbers[n + STORE_AT] = a.at; numbers[n + STORE_BYTES] = a.bytes;
      }
      for (let l = 0; l < LIST_FIELDS.length; l++) {
        const list = s[LIST_FIELDS[l]];
        numbers[n + LISTS + l] = list === undefined ? NO_LIST : list.length;
        if (list) for (let j = 0; j < list.length; j++) add(list[j]);
      }
      if (s.year !== undefined) { flags |= HAS_YEAR; numbers[n + YEAR] = s.year; }
      const start = s.titleRange.start, end = s.titleRange.end;
      numbers[n + START_LINE] = start.line; numbers[n + START_CHAR] = start.character;
      numbers[n + END_LINE] = end.line; numbers[n + END_CHAR] = end.character;
      numbers[n + ORDINAL] = s.ordinal;
      numbers[n + DATE] = dateIndex(s.digestDate);
      numbers[n + RANK] = dateIndex(s.dateRank);
      numbers[n + FLAGS] = flags;
    }
    return new DigestPack(uri, parts.join(''), ends, first, numbers, dates, empty);
  }

  /**
   * `sources[from..to)` with every entry that packs replaced by its packed form, in place; `infos`
   * are their title details (TitleInfo), one per source of the range (none: it is not packed here). Returns how many packed.
   * `empty` is what an empty list reads as (the library's one shared empty list).
   */
  static packInPlace(sources: PaperSource[], from: number, to: number, uri: string, infos: readonly (TitleInfo | undefined)[], empty: string[]): number {
    const at: number[] = [];
    for (let i = from; i < to; i++) if (infos[i - from] && packable(sources[i], uri)) at.push(i);
    if (at.length === 0) return 0;
    const pack = DigestPack.of(uri, at.map((i) => sources[i]), at.map((i) => infos[i - from]!), empty);
    for (let k = 0; k < at.length; k++) sources[at[k]] = new PackedDigestSource(pack, k);
    return at.length;
  }

  /** Entry `i`'s title details. */
  titleInfoOf(i: number): TitleInfo {
    return new PackedDigestSource(this, i).titleInfo;
  }

  /** How many entries it holds. */
  get size(): number { return this.first.length; }

  /** The pack as a record keeps it: its texts as they are, its arrays as base64 of their bytes. */
  toRecord(): PackRecord {
    return { text: this.text, ends: base64Of(this.ends), first: base64Of(this.first), numbers: base64Of(this.numbers), dates: this.dates };
  }

  /**
   * The pack a record kept (toRecord), or what is wrong with it: every count, range and place is
   * checked, so that nothing read back can point outside the pack, its dates, or the record's
   * `tailBytes` of texts (a record's checksum does not stop one written to mislead). Its stored
   * abstracts are still places in those texts: see storedEntries and plainEntries.
   */
  static fromRecord(uri: string, r: unknown, tailBytes: number, empty: string[]): DigestPack | string {
    const malformed = 'malformed packed entries';
    if (typeof r !== 'object' || r === null) return malformed;
    const rec = r as Record<string, unknown>;
    const text = rec.text, dates = rec.dates;
    const ends = arrayOf(rec.ends, Uint32Array), first = arrayOf(rec.first, Uint32Array), numbers = arrayOf(rec.numbers, Int32Array);
    if (typeof text !== 'string' || !isStrings(dates) || !ends || !first || !numbers) return malformed;
    const count = first.length;
    if (count === 0 || numbers.length !== count * NUMBERS) return malformed;
    let last = 0;
    for (let k = 0; k < ends.length; k++) {
      if (ends[k] < last) return malformed;
      last = ends[k];
    }
    if (last !== text.length) return malformed;
    let k = 0;
    for (let i = 0; i < count; i++) {
      const n = i * NUMBERS;
      if (first[i] !== k) return malformed;
      k += STRINGS;
      for (let l = 0; l < LIST_FIELDS.length; l++) {
        const items = numbers[n + LISTS + l];
        if (items < (OPTIONAL_LISTS.has(LIST_FIELDS[l]) ? NO_LIST : 0)) return malformed;
        if (items > 0) k += items;
      }
      if (k > ends.length) return malformed;
      const flags = numbers[n + FLAGS];
      if ((flags & ~KNOWN_FLAGS) !== 0 || ((flags & STORED_ABSTRACT) !== 0 && (flags & TEXT_ABSTRACT) !== 0)) return malformed;
      for (const x of NON_NEGATIVE) if (numbers[n + x] < 0) return malformed;
      for (const x of DATE_PLACES) if (numbers[n + x] < -1 || numbers[n + x] >= dates.length) return malformed;
      if ((flags & STORED_ABSTRACT) !== 0) {
        const at = numbers[n + STORE_AT], bytes = numbers[n + STORE_BYTES];
        if (numbers[n + STORE_FILE] !== 0 || at < 0 || bytes < 0 || at + bytes > tailBytes) return malformed;
      }
      const baseKey = first[i] + BASE_KEY;
      if (ends[baseKey] === ends[baseKey - 1]) return 'a malformed title'; // every title has a base key
    }
    if (k !== ends.length) return malformed;
    return new DigestPack(uri, text, ends, first, numbers, dates, empty);
  }

  /**
   * Its entries, their stored abstracts moved to where the record's texts are in the text store
   * (`texts`); undefined if one would be past what the pack can hold (then see plainEntries).
   */
  storedEntries(texts: StoredText): PackedDigestSource[] | undefined {
    const numbers = this.numbers, count = this.size;
    for (let i = 0; i < count; i++) {
      if (this.has(i, STORED_ABSTRACT) && texts.at + numbers[i * NUMBERS + STORE_AT] > INT32_MAX) return undefined;
    }
    if (!isInt(texts.file)) return undefined;
    const out: PackedDigestSource[] = new Array(count);
    for (let i = 0; i < count; i++) {
      if (this.has(i, STORED_ABSTRACT)) {
        numbers[i * NUMBERS + STORE_FILE] = texts.file;
        numbers[i * NUMBERS + STORE_AT] += texts.at;
      }
      out[i] = new PackedDigestSource(this, i);
    }
    return out;
  }

  /** Its entries as plain objects, each stored abstract as `text` gives the record's bytes at its place. */
  plainEntries<T>(text: (at: number, bytes: number) => T): PaperSource[] {
    const out: PaperSource[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const plain = new PackedDigestSource(this, i).toJSON() as unknown as Record<string, unknown>;
      if (this.has(i, STORED_ABSTRACT)) plain.abstract = text(this.number(i, STORE_AT), this.number(i, STORE_BYTES));
      out[i] = plain as unknown as PaperSource;
    }
    return out;
  }

  /** Entry `i`'s text number `k` (of STRINGS and its lists' items). */
  textOf(i: number, k: number): string {
    const t = this.first[i] + k;
    return this.text.slice(t === 0 ? 0 : this.ends[t - 1], this.ends[t]);
  }

  number(i: number, k: number): number { return this.numbers[i * NUMBERS + k]; }
  has(i: number, bit: number): boolean { return (this.numbers[i * NUMBERS + FLAGS] & bit) !== 0; }
  date(i: number, k: typeof DATE | typeof RANK): string | undefined { const d = this.number(i, k); return d < 0 ? undefined : this.dates[d]; }

  /** Entry `i`'s list, or undefined when it has none (keywords and organizations only). */
  list(i: number, field: ListField): string[] | undefined {
    const l = LIST_FIELDS.indexOf(field);
    const count = this.number(i, LISTS + l);
    if (count === NO_LIST) return undefined;
    if (count === 0) return this.empty;
    let k = STRINGS;
    for (let p = 0; p < l; p++) k += Math.max(0, this.number(i, LISTS + p));
    const out = new Array<string>(count);
    for (let j = 0; j < count; j++) out[j] = this.textOf(i, k + j);
    return out;
  }
}

/**
 * A packed digest entry (see DigestPack). Its lists are new arrays at each read, its range and its
 * abstract's place new objects; its strings are slices of the pack's text. What only notes and
 * bibliography entries have (a key, aliases, a body, where it was published…) it does not have: an
 * entry with any of it is not packed. toJSON gives the plain entry, so that what writes one out
 * writes its fields, not the pack.
 */
export class PackedDigestSource implements PaperSource {
  constructor(private readonly pack: DigestPack, private readonly at: number) {}

  get kind(): 'digest' { return 'digest'; }
  get uri(): string { return this.pack.uri; }
  get title(): string { return this.pack.textOf(this.at, TITLE); }
  /** Its title's details (keys.ts: TitleInfo), each read from the pack. */
  get norm(): string { return this.pack.textOf(this.at, NORM); }
  get baseKey(): string { return this.pack.textOf(this.at, BASE_KEY); }
  get titleWords(): string { return this.pack.has(this.at, WORDS_ARE_NORM) ? this.norm : this.pack.textOf(this.at, WORDS); }
  get titleInfo(): TitleInfo { return { norm: this.norm, baseKey: this.baseKey, titleWords: this.titleWords }; }
  /** Its authors' words for completion matching, joined by spaces (as the library makes them for a list). */
  get authorWords(): string { return this.pack.textOf(this.at, AUTHOR_WORDS); }
  get titleRange(): Range {
    const p = this.pack, i = this.at;
    return range(p.number(i, START_LINE), p.number(i, START_CHAR), p.number(i, END_LINE), p.number(i, END_CHAR));
  }
  get authors(): string[] { return this.pack.list(this.at, 'authors')!; }
  get codeUrls(): string[] { return this.pack.list(this.at, 'codeUrls')!; }
  get topics(): string[] { return this.pack.list(this.at, 'topics')!; }
  get keywords(): string[] | undefined { return this.pack.list(this.at, 'keywords'); }
  get organizations(): string[] | undefined { return this.pack.list(this.at, 'organizations'); }
  get year(): number | undefined { return this.pack.has(this.at, HAS_YEAR) ? this.pack.number(this.at, YEAR) : undefined; }
  get digestDate(): string | undefined { return this.pack.date(this.at, DATE); }
  get dateRank(): string | undefined { return this.pack.date(this.at, RANK); }
  get arxiv(): string | undefined { return this.optional(ARXIV, HAS_ARXIV); }
  get doi(): string | undefined { return this.optional(DOI, HAS_DOI); }
  get url(): string | undefined { return this.optional(URL, HAS_URL); }
  get issued(): string | undefined { return this.optional(ISSUED, HAS_ISSUED); }
  get abstract(): Text | undefined {
    const p = this.pack, i = this.at;
    if (p.has(i, TEXT_ABSTRACT)) return p.textOf(i, ABSTRACT);
    if (!p.has(i, STORED_ABSTRACT)) return undefined;
    const stored: StoredText = { file: p.number(i, STORE_FILE), at: p.number(i, STORE_AT), bytes: p.number(i, STORE_BYTES) };
    return stored;
  }
  get ordinal(): number { return this.pack.number(this.at, ORDINAL); }
  private optional(k: number, bit: number): string | undefined {
    return this.pack.has(this.at, bit) ? this.pack.textOf(this.at, k) : undefined;
  }

  /** The entry as a plain object, with the fields it has (undefined ones left out). */
  toJSON(): PaperSource {
    const out: Record<string, unknown> = {};
    for (const k of PACKED_FIELDS) {
      const v = (this as unknown as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = v;
    }
    return out as unknown as PaperSource;
  }
}
