import { STORE_MIN_LENGTH } from '../runtime/textStore';
import { StoredRef } from '../parse/entryShape';
import type { PaperSource, StoredText } from '../parse/types';
import type { TitleInfo } from '../model/keys';
import { DigestPack, packable, PackedDigestSource } from '../model/packedDigest';
import { range } from '../util/text';
import type { LoadedFile } from './loadFile';

/**
 * The body of a parse cache record: the parse result as JSON on one line, then its long texts
 * (abstracts, summaries, note bodies) as plain UTF-8, one after another (see compactSource for how
 * the JSON refers to them).
 *
 * Long texts are most of a large library's records (four fifths at L), and a warm start with a
 * text store only moves them from the record to the store: kept apart, they are never made into
 * strings and back. Decoding and parsing whole records was most of a parse worker's warm start.
 */

const LONG_TEXTS = ['abstract', 'summary', 'body'] as const;
/** Lists a source always has, often empty. */
const LISTS = ['authors', 'topics', 'codeUrls'] as const;
/** Values a digest's entries mostly share with the entry before them. */
const REPEATED = ['digestDate', 'dateRank'] as const;

/** What an empty list decodes to: one list, never changed (the library shares one too). */
const NO_ITEMS = Object.freeze([]) as unknown as string[];

const NEWLINE = 0x0a;

/**
 * The JSON writes a source shorter where most sources repeat something (a digest of a hundred
 * entries is most of a large library's records, and decoding them most of a warm start's work on
 * the server thread). In it:
 * - a long text is its length in bytes, negated: the texts follow the JSON one after another, in
 *   the order of the sources and of LONG_TEXTS;
 * - the uri is 0 when it is the file's, an empty list is 0, and a digest date or date rank is 0
 *   when it is the one of the source before;
 * - a title range on one line is `[line, from, to]`;
 * - a title's words (`titles`) are 0 when they are its normalized title.
 * Decoding puts each back; anything else is left as it is, for the shape check to report.
 */
function compactSource(s: PaperSource, fileUri: string, previous: PaperSource | undefined, texts: string[]): { compact: Record<string, unknown>; tailBytes: number } {
  const c: Record<string, unknown> = { ...s };
  let tailBytes = 0;
  for (const k of LONG_TEXTS) {
    const bytes = toTail(s[k], texts);
    if (!bytes) continue;
    c[k] = -bytes;
    tailBytes += bytes;
  }
  if (s.uri === fileUri) c.uri = 0;
  for (const k of LISTS) if (s[k].length === 0) c[k] = 0;
  for (const k of REPEATED) if (s[k] !== undefined && s[k] === previous?.[k]) c[k] = 0;
  const r = s.titleRange;
  if (r.start.line === r.end.line) c.titleRange = [r.start.line, r.start.character, r.end.character];
  return { compact: c, tailBytes };
}

/** A text long enough to follow the JSON is added to `texts`: its length in bytes, else 0. */
function toTail(text: unknown, texts: string[]): number {
  if (typeof text !== 'string' || text.length < STORE_MIN_LENGTH) return 0;
  texts.push(text);
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Which of a digest's sources its record keeps packed (model/packedDigest.ts), or undefined for
 * none: a digest's entries are most of a large library's records, and a warm start read each as
 * a dozen JSON objects only to pack them on the server thread. A packed entry is read back as
 * one (DigestPack.fromRecord), its texts a few long strings and its numbers bytes.
 */
function packsInRecord(loaded: LoadedFile): boolean[] | undefined {
  const entry = loaded.entry!;
  if (entry.kind !== 'digest' || loaded.titles?.length !== entry.sources.length) return undefined;
  const packs = entry.sources.map((s) => (s.abstract === undefined || typeof s.abstract === 'string') && packable(s, entry.uri));
  return packs.includes(true) ? packs : undefined;
}

export function encodeBody(loaded: LoadedFile): Buffer {
  // The long texts are written straight into the body: a bibliography's ten thousand abstracts,
  // each made into bytes of its own first, were ten megabytes more held while it was encoded.
  const texts: string[] = [];
  let tailBytes = 0;
  const entry = loaded.entry;
  let body: unknown = loaded;
  if (entry) {
    const packs = packsInRecord(loaded);
    const sources: Record<string, unknown>[] = [];
    let previous: PaperSource | undefined;
    for (let i = 0; i < entry.sources.length; i++) {
      if (packs?.[i]) continue;
      const { compact, tailBytes: bytes } = compactSource(entry.sources[i], entry.uri, previous, texts);
      tailBytes += bytes;
      sources.push(compact);
      previous = entry.sources[i];
    }
    let packed: unknown;
    if (packs) {
      // The packed entries' long abstracts follow the other sources' texts, each at the place its entry says.
      const kept: PaperSource[] = [], infos: TitleInfo[] = [];
      for (let i = 0; i < entry.sources.length; i++) {
        if (!packs[i]) continue;
        const s = entry.sources[i], bytes = toTail(s.abstract, texts);
        kept.push(bytes ? { ...s, abstract: { file: 0, at: tailBytes, bytes } } : s);
        tailBytes += bytes;
        infos.push(loaded.titles![i]);
      }
      packed = DigestPack.of(entry.uri, kept, infos, NO_ITEMS).toRecord();
    }
    const titles = loaded.titles?.map((t, i) => (packs?.[i] ? null : t.titleWords === t.norm ? { ...t, titleWords: 0 } : t));
    body = { ...loaded, entry: { ...entry, sources }, titles, packed };
  }
  // JSON.stringify never writes a raw newline, so the first one ends the JSON.
  const json = JSON.stringify(body);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  const out = Buffer.allocUnsafe(jsonBytes + 1 + tailBytes);
  out.write(json, 0, 'utf8');
  out[jsonBytes] = NEWLINE;
  let at = jsonBytes + 1;
  for (const t of texts) at += out.write(t, at, 'utf8');
  return out;
}

/**
 * The parse result in a body, its long texts put back as strings, or as bytes (`keepBytes`: for a
 * text store to take as they are, see TextWriter.store). Throws if the JSON cannot be parsed. A
 * reference that does not point inside the texts is left as it is, for the shape check to report.
 */
export function decodeBody(body: Uint8Array, keepBytes: boolean): unknown {
  const { json, tail } = splitBody(body);
  return keepBytes ? decodeJson(json, tail.length, (at, length) => tail.subarray(at, at + length)) : decodeSplitBody(json, tail);
}

/** A body's JSON line, and the long texts after it. */
export function splitBody(body: Uint8Array): { json: Uint8Array; tail: Uint8Array } {
  const newline = body.indexOf(NEWLINE);
  const jsonEnd = newline < 0 ? body.length : newline;
  return { json: body.subarray(0, jsonEnd), tail: body.subarray(Math.min(body.length, jsonEnd + 1)) };
}

/**
 * The parse result of a body split by splitBody. Its texts are strings, or, when a parse worker
 * moved them to the text store in one piece (`tail`: where they begin there), references to their
 * places in the store.
 */
export function decodeSplitBody(json: Uint8Array, tail: Uint8Array | StoredText): unknown {
  if (!(tail instanceof Uint8Array)) return decodeJson(json, tail.bytes, (at, length) => new StoredRef(tail.file, tail.at + at, length), tail);
  const bytes = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
  return decodeJson(json, tail.length, (at, length) => bytes.toString('utf8', at, at + length));
}

/** What is wrong with a record's packed entries (the record is not used). */
export class PackedProblem extends Error {}

/**
 * `stored`: where the record's texts are in the text store, if they are (`text` gives references
 * into it): then packed entries are read back packed, else as plain objects.
 */
function decodeJson(json: Uint8Array, tailLength: number, text: (at: number, length: number) => unknown, stored?: StoredText): unknown {
  const result: unknown = JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'));
  const entry = (result as { entry?: { uri?: unknown; sources?: unknown } } | null)?.entry;
  const sources = entry?.sources;
  if (!Array.isArray(sources)) return result;
  let tailAt = 0;
  let previous: Record<string, unknown> | undefined;
  // Indexed loops: this runs once per source of every file a warm start reads.
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i] as Record<string, unknown>;
    if (typeof s !== 'object' || s === null) continue;
    for (let k = 0; k < LONG_TEXTS.length; k++) {
      const v = s[LONG_TEXTS[k]];
      if (typeof v !== 'number' || !Number.isInteger(v) || v >= 0 || tailAt - v > tailLength) continue;
      const bytes = -v;
      s[LONG_TEXTS[k]] = text(tailAt, bytes);
      tailAt += bytes;
    }
    if (s.uri === 0) s.uri = entry!.uri;
    for (let k = 0; k < LISTS.length; k++) if (s[LISTS[k]] === 0) s[LISTS[k]] = NO_ITEMS;
    for (let k = 0; k < REPEATED.length; k++) if (s[REPEATED[k]] === 0 && previous) s[REPEATED[k]] = previous[REPEATED[k]];
    const r = s.titleRange;
    if (Array.isArray(r) && r.length === 3) s.titleRange = range(r[0], r[1], r[0], r[2]);
    previous = s;
  }
  const titles = (result as { titles?: unknown }).titles;
  if (Array.isArray(titles)) {
    for (let i = 0; i < titles.length; i++) {
      const t = titles[i] as Record<string, unknown> | null;
      if (typeof t === 'object' && t !== null && t.titleWords === 0) t.titleWords = t.norm;
    }
  }
  const packed = (result as { packed?: unknown }).packed;
  if (packed !== undefined) {
    delete (result as { packed?: unknown }).packed;
    (entry as { sources: unknown[] }).sources = withPacked(entry!.uri as string, sources, packed, tailLength, text, stored, titles);
  }
  return result;
}

/**
 * The sources with a record's packed entries among them, each in its place (its ordinal); their
 * titles (null in the record) from the pack when they are read back as plain objects.
 */
function withPacked(uri: string, sources: unknown[], packed: unknown, tailLength: number, text: (at: number, length: number) => unknown, stored: StoredText | undefined, titles: unknown): unknown[] {
  const pack = DigestPack.fromRecord(uri, packed, tailLength, NO_ITEMS);
  if (typeof pack === 'string') throw new PackedProblem(pack);
  const entries: PaperSource[] = (stored && pack.storedEntries(stored)) || pack.plainEntries(text);
  const all: unknown[] = new Array(sources.length + entries.length);
  const place = (s: unknown, ordinal: unknown) => {
    if (typeof ordinal !== 'number' || !Number.isInteger(ordinal) || ordinal < 0 || ordinal >= all.length || all[ordinal] !== undefined) throw new PackedProblem('a source is out of place');
    all[ordinal] = s;
  };
  for (const s of sources) place(s, (s as { ordinal?: unknown } | null)?.ordinal);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    place(e, e.ordinal);
    if (!(e instanceof PackedDigestSource) && Array.isArray(titles)) titles[e.ordinal] = pack.titleInfoOf(i);
  }
  return all;
}
