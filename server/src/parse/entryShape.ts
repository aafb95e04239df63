import { MAX_KEY } from './citations';
import type { StoredText } from './types';
import { PackedDigestSource } from '../model/packedDigest';

/**
 * The shape of a parse result (a LoadedFile), checked field by field: everything the library and
 * the features read from one, with its type. Results read back from the parse cache are checked,
 * and so is every fresh parse (a parser bug must not take the library down either).
 */

const isString = (x: unknown): x is string => typeof x === 'string';
const isStringArray = (x: unknown): boolean => Array.isArray(x) && x.every(isString);
/**
 * A long text of a cached result in the text store, made by ingest/recordBody.ts from a reference
 * it checked against the texts it points into. A class, so that no JSON can pass for one.
 */
export class StoredRef implements StoredText {
  constructor(readonly file: number, readonly at: number, readonly bytes: number) {}
}

/** Bytes: a cached text on its way to the text store; or in it already (ingest/recordBody.ts). */
const isLongText = (x: unknown): boolean => isString(x) || x instanceof Uint8Array || x instanceof StoredRef;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isPosition = (x: unknown): boolean => isObject(x) && Number.isInteger(x.line) && Number.isInteger(x.character) && (x.line as number) >= 0 && (x.character as number) >= 0;
const isRange = (x: unknown): boolean => isObject(x) && isPosition(x.start) && isPosition(x.end);
const optional = (x: unknown, check: (y: unknown) => boolean): boolean => x === undefined || check(x);

function sourceProblem(s: unknown, uri: string): string | undefined {
  if (!isObject(s)) return 'a source is not an object';
  if ((s.kind !== 'note' && s.kind !== 'digest' && s.kind !== 'bib') || s.uri !== uri) return 'a source has the wrong kind or uri';
  if (s.kind !== 'digest' && !(isString(s.key) && s.key.length > 0 && s.key.length <= MAX_KEY)) return s.kind === 'note' ? 'a note has no key' : 'a bibliography entry has no key';
  if (!isString(s.title) || !isRange(s.titleRange) || !Number.isInteger(s.ordinal)) return 'a source lacks its title or position';
  if (!isStringArray(s.authors) || !isStringArray(s.codeUrls) || !isStringArray(s.topics)) return 'a source has malformed lists';
  if (!optional(s.organizations, isStringArray) || !optional(s.aliases, isStringArray) || !optional(s.keywords, isStringArray) || !optional(s.files, isStringArray)) return 'a source has malformed lists';
  for (const k of ['key', 'digestDate', 'arxiv', 'doi', 'url', 'dateRank', 'type', 'container', 'volume', 'issue', 'pages', 'publisher', 'issued'] as const) {
    if (!optional(s[k], isString)) return `a source has a malformed ${k}`;
  }
  for (const k of ['abstract', 'summary', 'body'] as const) {
    if (!optional(s[k], isLongText)) return `a source has a malformed ${k}`;
  }
  if (!optional(s.year, Number.isInteger) || !optional(s.keyRange, isRange)) return 'a source has a malformed year or key position';
  return undefined;
}

export function loadedFileProblem(x: unknown, uri: string): string | undefined {
  if (!isObject(x) || x.uri !== uri || !isStringArray(x.log) || !Number.isInteger(x.textLength)) return 'not a parse result for this file';
  const e = x.entry;
  if (!isObject(e) || e.uri !== uri || !isString(e.relativePath) || !['note', 'digest', 'bibliography', 'draft'].includes(e.kind as string)) return 'malformed entry';
  if (!optional(e.bibliographies, isStringArray)) return 'malformed entry';
  if (!optional(e.bibliographyRanges, (r) => Array.isArray(r) && r.every(isRange) && r.length === (e.bibliographies as unknown[] | undefined)?.length)) return 'malformed entry';
  if (!Array.isArray(e.sources) || !Array.isArray(e.problems) || !Array.isArray(e.citations) || !optional(e.searchHash, isString)) return 'malformed entry';
  for (const [i, s] of e.sources.entries()) {
    // A packed entry was checked as its pack was read (model/packedDigest.ts: fromRecord); no JSON can make one.
    const why = (s instanceof PackedDigestSource ? undefined : sourceProblem(s, uri)) ?? (s.ordinal === i ? undefined : 'a source is out of place');
    if (why) return why;
  }
  for (const p of e.problems) {
    if (!isObject(p) || !isRange(p.range) || !isString(p.message) || !isString(p.code) || !['error', 'warning', 'info'].includes(p.severity as string)) return 'a malformed problem';
  }
  for (const c of e.citations) {
    if (!isObject(c) || !isString(c.key) || !isRange(c.range) || !['pandoc', 'latex', 'wikilink', 'org'].includes(c.syntax as string)) return 'a malformed citation';
  }
  const titles = x.titles;
  if (!Array.isArray(titles) || titles.length !== e.sources.length) return 'titles do not match sources';
  for (const [i, t] of titles.entries()) {
    if (t === null && e.sources[i] instanceof PackedDigestSource) continue; // it has its title's details
    if (!isObject(t) || !isString(t.norm) || !isString(t.baseKey) || !t.baseKey || !isString(t.titleWords)) return 'a malformed title';
  }
  return undefined;
}
