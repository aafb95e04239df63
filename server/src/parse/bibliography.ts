import * as yaml from 'js-yaml';
import type { PaperSource, ParsedSource, SourceProblem } from './types';
import { stringSpans } from './jsonSpans';
import { arxivOfDoi, cleanUrl, foldSpace, LineIndex, parseArxivId, range, Range } from '../util/text';
import { MAX_KEY } from './citations';
import { isLitnotesExport } from './exportMarker';
import { bibtexFileDocuments } from './attachments';

/**
 * Bibliography files: BibTeX / BibLaTeX (`.bib`, as Zotero + Better BibTeX export them) and CSL
 * JSON / CSL YAML (Better CSL JSON, pandoc's `references`). BibTeX is read by citation.js's
 * BibTeX plugin (its parser, then its mapping to CSL, which resolves `@string` macros, month
 * macros, `crossref` and LaTeX accents and commands); every format then goes through one mapping
 * from CSL items to sources. Entries are located in the text by a scan of our own (the parsers give
 * no positions), and a BibTeX file the parser rejects is read again entry by entry, so one bad
 * entry gets a diagnostic on its line and the rest of the file is indexed.
 */

export type BibliographyFormat = 'bibtex' | 'csl-json' | 'csl-yaml';

export function bibliographyFormat(path: string): BibliographyFormat | undefined {
  if (/\.(bib|bibtex|biblatex)$/i.test(path)) return 'bibtex';
  if (/\.json$/i.test(path)) return 'csl-json';
  if (/\.ya?ml$/i.test(path)) return 'csl-yaml';
  return undefined;
}

/** A CSL item as the JSON and YAML forms hold it; every field is checked before use. */
export type CslItem = Record<string, unknown>;

/**
 * Whether parsed JSON or YAML is a list of CSL items (by shape: files named `library.json` or
 * `references.json` are often something else): objects with an `id` and a `type` or `title`, and
 * not Daily Papers entries (which have `paper`). A draft's `references:` are CSL by pandoc's
 * definition (`known`): an item needs only its id there (pandoc resolves `- id: smith2020` with an
 * author and a date).
 */
export function isCslList(data: unknown, known = false): data is CslItem[] {
  if (!Array.isArray(data) || data.length === 0) return false;
  return data.slice(0, 20).every((x) => x && typeof x === 'object' && !Array.isArray(x) && (typeof x.id === 'string' || typeof x.id === 'number') && (known || typeof x.type === 'string' || typeof x.title === 'string') && !('paper' in x));
}

/** The CSL items of parsed JSON or YAML: a list, or (pandoc's YAML bibliographies) a list under `references`. */
export function cslItemsOf(data: unknown): CslItem[] | undefined {
  const items = data && typeof data === 'object' && !Array.isArray(data) && Array.isArray((data as { references?: unknown }).references) ? (data as { references: unknown[] }).references : data;
  return isCslList(items) ? items : undefined;
}

/**
 * `strict`: the file is a bibliography by its name or because a draft names it, so content that is
 * not one is a problem; otherwise (a common name such as `library.json`) it is simply not one.
 * `parsed`: the JSON, when the caller has parsed it already.
 */
export function parseBibliography(uri: string, text: string, format: BibliographyFormat, relativePath: string, strict = true, parsed?: { data: unknown }): ParsedSource {
  const out: ParsedSource = { papers: [], problems: [], log: [] };
  if (isLitnotesExport(text)) return out;
  if (format === 'bibtex') return parseBibtex(uri, text, relativePath);
  let data: unknown;
  try {
    data = parsed ? parsed.data : format === 'csl-json' ? JSON.parse(text) : yaml.safeLoad(text, { json: false });
  } catch (err) {
    if (strict) report(out, relativePath, 0, `${format === 'csl-json' ? 'CSL JSON' : 'CSL YAML'} is not valid: ${String((err as Error).message).split('\n')[0].slice(0, 200)}`, 'error');
    return out;
  }
  const items = cslItemsOf(data);
  if (!items) {
    if (strict) report(out, relativePath, 0, 'Not a CSL bibliography: expected a list of items, each with an id and a type or title.', 'warning');
    return out;
  }
  const ranges = format === 'csl-json' ? jsonIdRanges(text) : yamlIdRanges(text);
  out.papers = cslSources(uri, items, (id, i) => ranges.get(String(i)) ?? ranges.get(id), out, relativePath);
  return out;
}

/** Sources from CSL items; `keyRange(id, index)` says where an item's id is written. */
export function cslSources(uri: string, items: readonly CslItem[], keyRange: (id: string, index: number) => Range | undefined, out: ParsedSource, relativePath: string): PaperSource[] {
  const papers: PaperSource[] = [];
  items.forEach((item, i) => {
    const id = typeof item.id === 'number' ? String(item.id) : item.id;
    const at = keyRange(typeof id === 'string' ? id : '', i) ?? range(0, 0, 0, 0);
    if (typeof id !== 'string' || !id.trim() || id.length > MAX_KEY || /\s/.test(id.trim())) {
      report(out, relativePath, at.start.line, `Bibliography entry ${i + 1} has no usable id (a citation key without spaces, at most ${MAX_KEY} characters); skipped.`, 'warning', at);
      return;
    }
    papers.push(cslSource(uri, item, id.trim(), at, papers.length));
  });
  return papers;
}

/** One CSL item as a source. Rich-text markup (`<i>`, `<sc>`, …) and whitespace runs are dropped from text fields. */
function cslSource(uri: string, item: CslItem, key: string, keyRange: Range, ordinal: number): PaperSource {
  const text = (v: unknown) => (typeof v === 'string' ? plainText(v) : typeof v === 'number' ? String(v) : undefined) || undefined;
  const { authors, organizations } = cslNames(item.author);
  const issued = cslDate(item.issued);
  const url = typeof item.URL === 'string' ? cleanUrl(item.URL) : undefined;
  const doi = text(item.DOI)?.replace(/^https?:\/\/(dx\.)?doi\.org\//i, '');
  const arxiv = arxivOf(item, url) ?? arxivOfDoi(doi);
  return {
    kind: 'bib',
    uri,
    key,
    keyRange,
    title: text(item.title) ?? key,
    titleRange: keyRange,
    authors,
    organizations: organizations.length ? organizations : undefined,
    year: issued ? Number(issued.slice(0, 4)) : undefined,
    issued,
    arxiv,
    doi: doi && /^10\.\d{4,9}\/\S+$/.test(doi) ? doi : undefined,
    url,
    codeUrls: [],
    abstract: text(item.abstract),
    topics: [],
    type: text(item.type),
    container: text(item['container-title']),
    volume: text(item.volume),
    issue: text(item.issue),
    pages: text(item.page),
    publisher: text(item.publisher),
    files: undefined,
    ordinal,
  };
}

/** Text of a CSL string field: citation.js marks italics, small caps and the like with HTML-like tags. */
function plainText(value: string): string {
  return foldSpace(value.replace(/<\/?(?:i|b|sup|sub|sc|span)(?:\s[^<>]*)?>/g, '')).slice(0, 32 * 1024);
}

/**
 * Display names ("Given von Family"), and the ones that are organisations (a literal name, or a
 * family name alone with spaces in it). A list of names, or one name alone (as pandoc's YAML may
 * write it), whose parts may be lists (`given: [Ann, B.]`), or a name as text.
 */
function cslNames(value: unknown): { authors: string[]; organizations: string[] } {
  const authors: string[] = [];
  const organizations: string[] = [];
  const names = Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : [];
  for (const n of names.slice(0, 500)) {
    // A name written as text (pandoc's YAML takes `- John Doe`): shown as written.
    if (typeof n === 'string') {
      if (plainText(n)) authors.push(plainText(n));
      continue;
    }
    if (!n || typeof n !== 'object') continue;
    const o = n as Record<string, unknown>;
    const part = (k: string) => {
      const v = o[k];
      if (typeof v === 'string') return plainText(v);
      return Array.isArray(v) ? plainText(v.filter((x) => typeof x === 'string').join(' ')) : '';
    };
    if (part('literal') || (!part('given') && / /.test(part('family')))) {
      const name = part('literal') || part('family');
      authors.push(name);
      organizations.push(name);
      continue;
    }
    const name = [part('given'), part('dropping-particle'), part('non-dropping-particle'), part('family'), part('suffix')].filter(Boolean).join(' ');
    if (name) authors.push(name);
  }
  return { authors, organizations };
}

/**
 * A CSL date as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a range's start): CSL JSON's date-parts (or its
 * raw or literal form), and what pandoc's YAML takes besides, as Better BibTeX's Better CSL YAML and
 * hand-written references write it: an EDTF string (`1953-04-25`, `2014/2015`), a bare year, a
 * `{year, month, day}` map, or a list of them (a range).
 */
function cslDate(value: unknown): string | undefined {
  const date = Array.isArray(value) ? value[0] : value;
  if (typeof date === 'number' || typeof date === 'string') return edtfStart(String(date));
  // A YAML timestamp (`issued: 1953-04-25`), which the YAML reader makes a date at midnight UTC.
  if (date instanceof Date) return Number.isNaN(date.getTime()) ? undefined : edtfStart(date.toISOString());
  if (!date || typeof date !== 'object') return undefined;
  const d = date as Record<string, unknown>;
  if (d.year !== undefined) return yearMonthDay([d.year, d.month, d.day]);
  const parts = Array.isArray(d['date-parts']) && Array.isArray(d['date-parts'][0]) ? (d['date-parts'][0] as unknown[]) : undefined;
  if (parts && parts.length) return yearMonthDay(parts);
  return edtfStart(typeof d.raw === 'string' ? d.raw : typeof d.literal === 'string' ? d.literal : '');
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` from a year, month and day, as far as each is a plausible one. */
function yearMonthDay(parts: readonly unknown[]): string | undefined {
  const [y, m, day] = parts.map((p) => Number(p));
  if (!Number.isInteger(y) || y < 1000 || y > 2999) return undefined;
  const pad = (x: number) => String(x).padStart(2, '0');
  return Number.isInteger(m) && m >= 1 && m <= 12 ? (Number.isInteger(day) && day >= 1 && day <= 31 ? `${y}-${pad(m)}-${pad(day)}` : `${y}-${pad(m)}`) : String(y);
}

/** The start of an EDTF date or interval as written (`1953-04-25`, `2014/2015`, `1974~`). */
function edtfStart(text: string): string | undefined {
  return /^(\d{4})(-\d{2}(-\d{2})?)?/.exec(text.trim())?.[0];
}

/** The arXiv id of an item: BibTeX's eprint with an arXiv prefix (kept by parseBibtex), pandoc's `number` + arXiv URL, or the URL. */
function arxivOf(item: CslItem, url: string | undefined): string | undefined {
  const fromUrl = url && /arxiv\.org\/(?:abs|pdf)\/([^\s?#]+)/i.exec(url)?.[1];
  const archive = typeof item.archive === 'string' && /arxiv/i.test(item.archive);
  // Zotero writes a preprint's arXiv id as its number: "arXiv:2303.08774".
  const number = typeof item.number === 'string' && (archive || /^arxiv:/i.test(item.number)) ? item.number : undefined;
  const eprint = typeof item.eprint === 'string' ? item.eprint : number;
  return parseArxivId(eprint ?? fromUrl ?? (typeof item.note === 'string' && /arxiv/i.test(item.note) ? item.note : undefined));
}

function report(out: ParsedSource, relativePath: string, line: number, message: string, severity: SourceProblem['severity'], at: Range = range(line, 0, line, 1)): void {
  out.problems.push({ range: at, message, severity, code: 'bibliography' });
  out.log.push(`${relativePath}:${line + 1}: ${message}`);
}

/** Where each item's `id` is in a CSL JSON text, by index (`"3"`). */
function jsonIdRanges(text: string): Map<string, Range> {
  const index = new LineIndex(text);
  const out = new Map<string, Range>();
  for (const [path, [start, end]] of stringSpans(text, (k) => k === 'id')) {
    const m = /^(?:references\/)?(\d+)\/id$/.exec(path);
    if (m) out.set(m[1], index.rangeOf(start + 1, end - 1));
  }
  return out;
}

/** Where each item's `id:` line is in CSL YAML (a file's lines, or a draft's front matter lines), by id. */
export function yamlIdRanges(text: string, lines: { line: number; text: string }[] = text.split('\n').map((t, line) => ({ line, text: t }))): Map<string, Range> {
  const out = new Map<string, Range>();
  for (const { line, text: raw } of lines) {
    const m = /^(\s*(?:-\s+)?id:\s*)(['"]?)([^'"\s#]+)\2\s*$/.exec(raw.replace(/\r$/, ''));
    const at = m ? m[1].length + m[2].length : 0;
    if (m && !out.has(m[3])) out.set(m[3], range(line, at, line, at + m[3].length));
  }
  return out;
}

// ---- BibTeX ----------------------------------------------------------------------------------

/** One `@type{...}` block of a .bib file, found by our own scan. */
interface BibChunk { type: string; key?: string; keyAt: number; start: number; end: number; closed: boolean }

/** An entry's start: `@type{` or `@type(`, the type as BibTeX reads it (Zotero's `@book_section` too). */
const ENTRY_START = /@[ \t]*([A-Za-z][\w-]*)[ \t\r\n]*([{(])/g;
/** An entry with no key: `@article{,` or `@article{ author = …` (nothing can cite it). */
const NO_KEY = /^@[ \t]*[A-Za-z][\w-]*[ \t\r\n]*[{(]\s*(,|[\w-]+\s*=)/;

/**
 * The blocks of a .bib file, in one pass: each `@type{` up to its matching close. A block that
 * never closes ends where the next line starting with `@` begins (Better BibTeX starts every entry
 * on its own line), so an unbalanced entry costs no more than its own length.
 */
function bibChunks(text: string): BibChunk[] {
  const chunks: BibChunk[] = [];
  let from = 0;
  for (;;) {
    ENTRY_START.lastIndex = from;
    const m = ENTRY_START.exec(text);
    if (!m) break;
    const closeChar = m[2] === '{' ? 125 : 41;
    let depth = 0;
    let i = m.index + m[0].length;
    let end = -1;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 123) depth++;
      else if (c === 125 && depth > 0) depth--;
      else if (c === closeChar && depth === 0) { end = i + 1; break; }
      else if (c === 10 && text.charCodeAt(i + 1) === 64 /* @ at a line start */) break;
    }
    const type = m[1].toLowerCase();
    const body = m.index + m[0].length;
    const comma = text.indexOf(',', body);
    const keyEnd = comma < 0 || (end >= 0 && comma > end) ? -1 : comma;
    const rawKey = keyEnd < 0 ? '' : text.slice(body, keyEnd);
    const data = type !== 'string' && type !== 'preamble' && type !== 'comment';
    const key = data && rawKey.trim() && !/[\s{}]/.test(rawKey.trim()) ? rawKey.trim() : undefined;
    chunks.push({ type, key, keyAt: body + rawKey.length - rawKey.trimStart().length, start: m.index, end: end < 0 ? i : end, closed: end >= 0 });
    from = end < 0 ? i : end;
  }
  return chunks;
}

interface RawEntry { type: string; label: string; properties: Record<string, unknown>; annotations?: Record<string, unknown> }
interface BibtexPlugin {
  file: { parse(text: string): RawEntry[] };
  entries: { parse(entries: RawEntry[]): CslItem[] };
}

let plugin: BibtexPlugin | undefined;
/** citation.js's BibTeX plugin, loaded when the first .bib is read (~50 ms; most servers never need it). */
function bibtexPlugin(): BibtexPlugin {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  plugin ??= { file: require('@citation-js/plugin-bibtex/lib/input/file.js'), entries: require('@citation-js/plugin-bibtex/lib/input/entries.js') };
  return plugin;
}

function parseBibtex(uri: string, text: string, relativePath: string): ParsedSource {
  const out: ParsedSource = { papers: [], problems: [], log: [] };
  const chunks = bibChunks(text);
  const index = new LineIndex(text);
  const lineOf = (offset: number) => index.positionAt(offset).line;
  const { file, entries } = bibtexPlugin();
  let raw: RawEntry[];
  try {
    raw = file.parse(text);
  } catch {
    // Read again entry by entry, with the file's @string macros before each: one bad entry is reported, the rest kept.
    const macros = chunks.filter((c) => c.type === 'string' && c.closed).map((c) => text.slice(c.start, c.end)).join('\n');
    raw = [];
    for (const c of chunks) {
      if (c.type === 'string' || c.type === 'comment' || c.type === 'preamble') continue;
      if (!c.key && NO_KEY.test(text.slice(c.start, c.start + 400))) {
        report(out, relativePath, lineOf(c.start), 'A BibTeX entry without a citation key cannot be cited; skipped, the rest of the file is indexed.', 'error');
        continue;
      }
      try {
        if (!c.closed) throw new Error('its braces are not balanced');
        raw.push(...file.parse(`${macros}\n${text.slice(c.start, c.end)}`));
      } catch (err) {
        const entry = c.key ? `BibTeX entry ${c.key}` : 'A BibTeX entry';
        report(out, relativePath, lineOf(c.start), `${entry} could not be read (${firstLine(err)}); skipped, the rest of the file is indexed.`, 'error');
      }
    }
  }
  let items: CslItem[];
  try {
    items = entries.parse(raw);
  } catch {
    items = [];
    // Each entry read again part by part costs a read per field: a file of many bad entries would
    // take many times its reading time (see withoutUnreadableParts).
    let retries = MAX_ENTRIES_READ_AGAIN;
    for (const r of raw) {
      const line = () => { const at = chunks.find((c) => c.key === r.label); return at ? lineOf(at.start) : 0; };
      try {
        items.push(...entries.parse([r]));
      } catch (err) {
        const without = retries-- > 0 ? withoutUnreadableParts(r, entries, firstLine(err)) : undefined;
        if (!without) {
          report(out, relativePath, line(), `BibTeX entry ${r.label} could not be read (${firstLine(err)}); skipped.`, 'error');
          continue;
        }
        items.push(...without.items);
        report(out, relativePath, line(), `BibTeX entry ${r.label}: its ${without.dropped.join(', ')} could not be read (${without.why}); the entry is indexed without ${without.parts > 1 ? 'them' : 'it'}.`, 'warning');
      }
    }
  }
  // The mapping to CSL drops BibTeX's arXiv eprints: keep them beside it.
  const eprints = new Map<string, string>();
  for (const r of raw) {
    const p = r.properties;
    const archive = String(p.archiveprefix ?? p.eprinttype ?? '');
    if (typeof p.eprint === 'string' && (/arxiv/i.test(archive) || (!archive && /^\d{4}\.\d{4,5}(v\d+)?$/.test(p.eprint)))) eprints.set(r.label, p.eprint);
  }
  const where = new Map<string, Range>();
  for (const c of chunks) if (c.key && !where.has(c.key)) where.set(c.key, index.rangeOf(c.keyAt, c.keyAt + c.key.length));
  // Entries only there to be cross-referenced (proceedings, collections) stay in: they are citable too.
  const withEprints = items.map((item) => {
    const key = String(item['citation-key'] ?? item.id ?? '');
    const eprint = eprints.get(key);
    return eprint ? { ...item, id: key, eprint } : { ...item, id: key };
  });
  out.papers = cslSources(uri, withEprints, (id) => where.get(id), out, relativePath);
  // biblatex's `ids`: other keys the entry may be cited by (Better BibTeX keeps a changed key there).
  const aliasesOf = new Map<string, string[]>();
  for (const r of raw) {
    const ids = r.properties.ids;
    if (typeof ids !== 'string') continue;
    const aliases = ids.split(',').map((k) => k.trim()).filter((k) => k && k !== r.label && k.length <= MAX_KEY && !/[\s{}]/.test(k));
    if (aliases.length) aliasesOf.set(r.label, [...new Set(aliases)]);
  }
  if (aliasesOf.size) for (const paper of out.papers) paper.aliases = aliasesOf.get(paper.key!) ?? paper.aliases;
  // The `file` field (Better BibTeX's attachments): the paper's PDF, which the mapping drops too.
  const filesOf = new Map<string, string[]>();
  for (const r of raw) {
    const field = r.properties.file;
    const files = typeof field === 'string' ? bibtexFileDocuments(field, uri) : [];
    if (files.length) filesOf.set(r.label, files);
  }
  if (filesOf.size) for (const paper of out.papers) paper.files = filesOf.get(paper.key!);
  return out;
}

/** Entries of one file read again without what they cannot read, and fields an entry may have for that. */
const MAX_ENTRIES_READ_AGAIN = 1000;
const MAX_FIELDS_READ_ALONE = 64;

/**
 * An entry the BibTeX-to-CSL mapping rejected, read again without what it cannot read: its data
 * annotations (BibLaTeX's `author+an = {1=host}`, which Better BibTeX writes for roles) if it reads
 * without them, then each field tried alone, those that fail alone left out (a Zotero note with
 * `\\par` in it, a keyword list with `^` and `_`, an open date interval such as `../2004`). So a
 * part the paper does not need no longer costs the whole paper. `dropped`: what was left out, as
 * the message names it, and `parts` how many fields and annotations that is; `why`: a reason
 * (`error`, the entry's own, where no field failed alone). Undefined if nothing reads.
 */
function withoutUnreadableParts(entry: RawEntry, entries: BibtexPlugin['entries'], error: string): { items: CslItem[]; dropped: string[]; parts: number; why: string } | undefined {
  let why = '';
  const read = (e: RawEntry): CslItem[] | undefined => {
    try {
      return entries.parse([e]);
    } catch (err) {
      why ||= firstLine(err);
      return undefined;
    }
  };
  const { annotations, ...bare } = entry;
  const annotated = annotations && typeof annotations === 'object' ? Object.keys(annotations).map((f) => `\`${f}+an\``) : [];
  const annotationsNamed = `data annotation${annotated.length > 1 ? 's' : ''} ${annotated.join(', ')}`;
  if (annotated.length) {
    const items = read(bare);
    if (items) return { items, dropped: [annotationsNamed], parts: annotated.length, why: error };
    why = '';
  }
  const fields = Object.entries(bare.properties);
  if (fields.length > MAX_FIELDS_READ_ALONE) return undefined;
  const unreadable = new Set(fields.filter(([field, value]) => !read({ ...bare, properties: { [field]: value } })).map(([field]) => field));
  if (unreadable.size === 0 || unreadable.size === fields.length) return undefined;
  const readable = { ...bare, properties: Object.fromEntries(fields.filter(([field]) => !unreadable.has(field))) };
  const dropped = [...unreadable].map((f) => `\`${f}\` field`);
  const withAnnotations = annotated.length ? read({ ...readable, annotations }) : undefined;
  if (withAnnotations) return { items: withAnnotations, dropped, parts: unreadable.size, why };
  const items = read(readable);
  return items && { items, dropped: annotated.length ? [...dropped, annotationsNamed] : dropped, parts: unreadable.size + annotated.length, why: why || error };
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0].slice(0, 160);
}
