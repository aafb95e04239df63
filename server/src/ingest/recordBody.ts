import { STORE_MIN_LENGTH } from '../runtime/textStore';
import { StoredRef } from '../parse/entryShape';
import type { StoredText } from '../parse/types';
import type { LoadedFile } from './loadFile';

/**
 * The body of a parse cache record: the parse result as JSON on one line, then its long texts
 * (abstracts, summaries, note bodies) as plain UTF-8, one after another. In the JSON each such text
 * is a reference to its place after the line, `{ "tailAt": offset, "bytes": length }`.
 *
 * Long texts are most of a large library's records (four fifths at L), and a warm start with a
 * text store only moves them from the record to the store: kept apart, they are never made into
 * strings and back. Decoding and parsing whole records was most of a parse worker's warm start.
 */

const LONG_TEXTS = ['abstract', 'summary', 'body'] as const;

interface TailRef { tailAt: number; bytes: number }

const NEWLINE = 0x0a;

export function encodeBody(loaded: LoadedFile): Buffer {
  const texts: Buffer[] = [];
  let tailBytes = 0;
  const entry = loaded.entry;
  const sources = entry?.sources.map((s) => {
    let moved: Record<string, unknown> | undefined;
    for (const k of LONG_TEXTS) {
      const text = s[k];
      if (typeof text !== 'string' || text.length < STORE_MIN_LENGTH) continue;
      const bytes = Buffer.from(text, 'utf8');
      moved ??= { ...s };
      moved[k] = { tailAt: tailBytes, bytes: bytes.length } satisfies TailRef;
      texts.push(bytes);
      tailBytes += bytes.length;
    }
    return moved ?? s;
  });
  // JSON.stringify never writes a raw newline, so the first one ends the JSON.
  const json = JSON.stringify(entry && tailBytes ? { ...loaded, entry: { ...entry, sources } } : loaded);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  const out = Buffer.allocUnsafe(jsonBytes + 1 + tailBytes);
  out.write(json, 0, 'utf8');
  out[jsonBytes] = NEWLINE;
  let at = jsonBytes + 1;
  for (const t of texts) at += t.copy(out, at);
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
  if (!(tail instanceof Uint8Array)) return decodeJson(json, tail.bytes, (at, length) => new StoredRef(tail.file, tail.at + at, length));
  const bytes = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
  return decodeJson(json, tail.length, (at, length) => bytes.toString('utf8', at, at + length));
}

function decodeJson(json: Uint8Array, tailLength: number, text: (at: number, length: number) => unknown): unknown {
  const result: unknown = JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'));
  const sources = (result as { entry?: { sources?: unknown } } | null)?.entry?.sources;
  if (!Array.isArray(sources)) return result;
  for (const s of sources as Record<string, unknown>[]) {
    if (typeof s !== 'object' || s === null) continue;
    for (const k of LONG_TEXTS) {
      const ref = s[k];
      if (isTailRef(ref, tailLength)) s[k] = text(ref.tailAt, ref.bytes);
    }
  }
  return result;
}

function isTailRef(x: unknown, tailLength: number): x is TailRef {
  if (typeof x !== 'object' || x === null) return false;
  const { tailAt, bytes } = x as Partial<TailRef>;
  return Number.isInteger(tailAt) && Number.isInteger(bytes) && tailAt! >= 0 && bytes! >= 0 && tailAt! + bytes! <= tailLength;
}
