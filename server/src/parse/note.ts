import { readFrontMatter, FrontMatterData, FrontMatterValue } from './frontMatter';
import { parseAuthors } from './authors';
import { calloutText, CALLOUT_HEADER, FENCE, InlineField, inlineFields, isInlineFieldLine } from './inlineFields';
import type { PaperSource, ParsedSource, SourceProblem } from './types';
import { MAX_KEY } from './citations';
import { arxivOfDoi, cleanUrl, findArxivInText, findUrls, foldSpace, lineRange, parseArxivId, range, Range } from '../util/text';
import { isCodeUrl } from '../shared/rules';
import { noteDocuments } from './attachments';

/** Note text kept for full-text search; longer notes are searched by their beginning. */
export const MAX_BODY_CHARS = 64 * 1024;

/** Front matter fields that name the paper's own documents (papis' `files`, Obsidian templates' `pdf`). */
const DOCUMENT_FIELDS = ['pdf', 'pdfs', 'file', 'files', 'attachment', 'attachments'];
const KEY_FIELDS = ['citekey', 'citeKey', 'citationKey', 'citation-key', 'citation_key', 'key', 'id'];
/** Fields that mark any markdown file as a literature note (`key`/`id` are too generic for that). */
const CITEKEY_FIELDS = ['citekey', 'citeKey', 'citationKey', 'citation-key', 'citation_key'];

/**
 * Ids that tools generate for every note, which no one types as a citation key: Dendron's 23 random
 * lower-case letters and digits (digits scattered, unlike a key's year), UUIDs, Zettlr's time
 * stamps. A note carrying one is keyed by its file name (`lit.vaswani2017attention`), as the tool's
 * own links name it.
 */
export function isMachineId(id: string): boolean {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) || /^\d{12,}$/.test(id)) return true;
  return /^[0-9a-z]{20,}$/.test(id) && (id.match(/\d+/g)?.length ?? 0) >= 3;
}

export interface NoteOptions {
  /** Workspace-relative path, used for the key fallback and folder topics. */
  relativePath: string;
}

/** True when a markdown file's front matter names a citation key, which makes it a note wherever it lives. */
export function declaresCitationKey(text: string): boolean {
  return hasField(text, CITEKEY_LINE);
}

/** A file name as the Obsidian Citation plugin writes a note: `@key.md`. */
const CITATION_PLUGIN_NAME = /(^|\/)@[^/@\s]+\.md$/i;
/** Front-matter fields only a paper has (a tool's own note has an id and a title at most). */
const PAPER_FIELDS = ['author', 'authors', 'year', 'doi', 'DOI', 'arxiv', 'arxiv_id', 'arxivId', 'eprint', 'url', 'URL', 'abstract', 'venue', 'journal', 'work', 'key', ...CITEKEY_FIELDS];

/**
 * A front-matter line that gives one of `fields` a value, on the line or on an indented line after it
 * (`citekey:` with nothing after it and the next field below gives none). Made once: this runs for
 * every markdown file.
 */
const fieldLine = (fields: readonly string[]) => new RegExp(`^(?:${fields.join('|')})[ \\t]*:[ \\t]*(?:[^\\s]|\\r?\\n[ \\t]+[^\\s])`, 'm');
const CITEKEY_LINE = fieldLine(CITEKEY_FIELDS);
const ID_LINE = fieldLine(['id']);
const PAPER_FIELD_LINE = fieldLine(PAPER_FIELDS);

/**
 * Whether a markdown file is a paper's note. Anywhere: a citation key in its front matter, or the
 * `@key.md` name the Obsidian Citation plugin gives notes. In a notes folder, any file, except one
 * whose front matter has an `id:` and nothing a paper has (Dendron gives every note a random id,
 * Foam and Zettlr notes carry ids too): that is the tool's note, not a paper.
 */
export function isPaperNote(text: string, relativePath: string, inNotesFolder: boolean): boolean {
  if (declaresCitationKey(text) || CITATION_PLUGIN_NAME.test(relativePath)) return true;
  if (!inNotesFolder) return false;
  return !(hasField(text, ID_LINE) && !hasField(text, PAPER_FIELD_LINE));
}

function hasField(text: string, line: RegExp): boolean {
  return text.startsWith('---') && line.test(text.slice(0, 4096));
}

export function parseNote(uri: string, text: string, options: NoteOptions): ParsedSource {
  const problems: SourceProblem[] = [];
  const log: string[] = [];
  const fm = readFrontMatter(text);
  if (fm.error) {
    problems.push({ range: lineRange(fm.error.line, fm.lines.find((l) => l.line === fm.error!.line)?.text ?? '---'), message: fm.error.message, severity: 'warning', code: 'front-matter' });
  }
  const data = fm.data;
  const work = asObject(data.work);
  const bodyLines = fm.body.split('\n');
  const fileStem = (options.relativePath.split('/').pop() ?? 'note').replace(/\.[^.]+$/, '');

  let keyField = KEY_FIELDS.find((f) => scalar(data[f]) !== undefined && !(f === 'id' && isMachineId(scalar(data[f])!.trim())));
  const written = keyField && scalar(data[keyField])!.trim();
  if (written && written.length > MAX_KEY) {
    // No citation can name it (find.ts looks at keys up to MAX_KEY), and every answer would carry it.
    const line = fm.lines.find((l) => l.text.startsWith(keyField!));
    problems.push({ range: lineRange(line?.line ?? 0, line?.text.slice(0, 200) ?? '---'), message: `The ${keyField} is ${written.length} characters long, over the limit of ${MAX_KEY}; the note is indexed under its file name.`, severity: 'warning', code: 'key-too-long' });
    keyField = undefined;
  }
  // What the body says in Dataview's inline fields (Zotero Integration's callouts), where the front matter is silent.
  const inline = inlineFields(bodyLines);
  const inlineField = (...keys: string[]) => keys.map((k) => inline.get(k)?.[0]).find((f) => f !== undefined);
  const inlineValue = (...keys: string[]) => inlineField(...keys)?.value;
  /** Where an inline field's value is written, in the whole file. */
  const inlineRange = (f: InlineField) => range(fm.bodyLine + f.line, f.at, fm.bodyLine + f.line, f.at + f.value.length);
  const inlineKey = inlineField('citekey', 'citationkey');
  const usableInlineKey = !keyField && inlineKey && inlineKey.value.length <= MAX_KEY && !/\s/.test(inlineKey.value) ? inlineKey : undefined;
  // `@key.md`: the Obsidian Citation plugin's name for the note of `key`.
  const key = keyField ? written! : usableInlineKey?.value ?? fileStem.trim().replace(/^@(?=.)/, '');
  const keyRange = keyField ? fieldValueRange(fm.lines, keyField, key) : usableInlineKey ? inlineRange(usableInlineKey) : undefined;

  const heading = findHeading(bodyLines, fm.bodyLine);
  const inlineTitle = inlineField('title');
  const title = foldSpace(scalar(data.title) ?? scalar(work.title) ?? inlineTitle?.value ?? heading?.text ?? fileStem);
  const titleRange =
    fieldValueRange(fm.lines, 'title', title) ??
    (heading && !scalar(data.title) && (!inlineTitle || foldSpace(heading.text) === title) ? heading.range : undefined) ??
    (inlineTitle ? inlineRange(inlineTitle) : undefined) ??
    keyRange ??
    range(0, 0, 0, 0);

  const listed = parseAuthors(data.authors ?? data.author ?? work.authors ?? work.author);
  const authors = listed.length ? listed : ['firstauthor', 'author', 'authors'].flatMap((k) => inline.get(k) ?? []).flatMap((a) => parseAuthors(a.value));
  // The paper's own date fields before `date`, which many templates give the note's creation.
  const year = parseYear(data.year ?? data['publication date'] ?? data.publication_date ?? data.publicationDate ?? data['date-published'] ?? data.issued ?? data.published ?? data.date ?? work.year ?? work.date ?? inlineValue('year', 'date', 'publicationdate'));
  const doi = parseDoi(scalar(data.doi) ?? scalar(data.DOI) ?? scalar(work.doi) ?? inlineValue('doi')) ?? parseDoiLink(fm.body);
  const arxiv =
    parseArxivId(scalar(data.arxiv) ?? scalar(data.arxiv_id) ?? scalar(data.arxivId) ?? scalar(data.eprint) ?? scalar(work.arxiv) ?? scalar(work.eprint)) ??
    arxivFromVenue(scalar(data.venue) ?? scalar(data.journal) ?? scalar(work.venue)) ??
    arxivOfDoi(doi) ??
    findArxivInText(fm.body);
  const url = cleanUrl(scalar(data.url) ?? scalar(data.URL) ?? scalar(work.url) ?? inlineValue('url') ?? '');
  const codeFields = [data.code, data.code_url, data.codeUrl, data.github, data.repo, work.code].map(scalar).filter((v): v is string => !!v);
  const codeUrls = unique([...codeFields.map((c) => cleanUrl(c)).filter((u): u is string => !!u), ...findUrls(fm.body).filter(isCodeUrl)]);

  const aliases = parseAliases(data.aliases ?? data.alias, key);
  const files = noteDocuments(DOCUMENT_FIELDS.map((f) => data[f]), fm.body, uri);
  const abstractField = scalar(data.abstract) ?? scalar(work.abstract) ?? calloutText(bodyLines, 'abstract') ?? inlineValue('abstract');
  // A summary field (`Summary:: …`) before the first paragraph, which skips a paragraph of fields.
  const summary = findSection(bodyLines) ?? calloutText(bodyLines, 'summary') ?? inlineValue('summary', 'tldr') ?? firstParagraph(bodyLines);
  let topics = unique([...parseTopics(data.tags ?? data.topics ?? data.keywords ?? work.tags), ...bodyTags(bodyLines)]).slice(0, 50);
  if (topics.length === 0) topics = folderTopic(options.relativePath);

  if (text.trim() === '') log.push(`${options.relativePath}: empty note, indexed by its file name`);

  const paper: PaperSource = {
    kind: 'note',
    uri,
    key,
    ...(aliases.length ? { aliases } : {}),
    keyRange,
    title,
    titleRange,
    authors,
    year,
    arxiv,
    doi,
    url,
    codeUrls,
    abstract: abstractField ? foldSpace(abstractField) : undefined,
    summary,
    topics,
    body: fm.body.length > MAX_BODY_CHARS ? fm.body.slice(0, MAX_BODY_CHARS) : fm.body,
    files: files.length ? files : undefined,
    ordinal: 0,
  };
  return { papers: [paper], problems, log };
}

/** `aliases:` as a list or one string: each a key of the paper, the note's own key left out. */
function parseAliases(v: FrontMatterValue | undefined, key: string): string[] {
  const raw = Array.isArray(v) ? v : v === undefined ? [] : [v];
  const out: string[] = [];
  for (const a of raw) {
    const alias = typeof a === 'string' || typeof a === 'number' ? foldSpace(String(a)).replace(/^@/, '') : '';
    if (alias && alias !== key && alias.length <= MAX_KEY && !out.includes(alias)) out.push(alias);
  }
  return out.slice(0, 20);
}

function asObject(v: FrontMatterValue | undefined): FrontMatterData {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

function scalar(v: FrontMatterValue | undefined): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** Range of a top-level field's value in the front matter, for definition and rename. */
function fieldValueRange(lines: { line: number; text: string }[], field: string, value: string): Range | undefined {
  const re = new RegExp(`^${field.replace(/[-.]/g, '\\$&')}\\s*:\\s*`);
  for (const l of lines) {
    const m = re.exec(l.text);
    if (!m) continue;
    const at = l.text.indexOf(value, m[0].length);
    if (at >= 0) return range(l.line, at, l.line, at + value.length);
    return range(l.line, m[0].length, l.line, l.text.length);
  }
  return undefined;
}


function findHeading(lines: string[], offset: number): { text: string; range: Range } | undefined {
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (FENCE.test(line)) inFence = !inFence;
    if (inFence) continue;
    const m = /^#\s+(.+?)\s*#*\s*$/.exec(line);
    if (m) return { text: m[1], range: range(offset + i, 2, offset + i, 2 + m[1].length) };
  }
  return undefined;
}

/** Text of an Abstract / Summary / TL;DR section, up to the next heading of the same or higher level. */
function findSection(lines: string[]): string | undefined {
  for (let i = 0; i < lines.length; i++) {
    const m = /^(#{1,6})\s*(abstract|summary|tl;?\s*dr)\b/i.exec(lines[i]);
    if (!m) continue;
    const level = m[1].length;
    const out: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const h = /^(#{1,6})\s/.exec(lines[j]);
      if (h && h[1].length <= level) break;
      out.push(lines[j]);
    }
    const text = foldSpace(out.join('\n'));
    if (text) return text;
  }
  return undefined;
}

function firstParagraph(lines: string[]): string | undefined {
  const out: string[] = [];
  let inFence = false;
  // A callout before the first paragraph (metadata, a quote of the abstract) is not the note's summary.
  let inCallout = false;
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (FENCE.test(line)) { inFence = !inFence; if (out.length) break; continue; }
    if (inFence) continue;
    if (!out.length && CALLOUT_HEADER.test(line)) { inCallout = true; continue; }
    if (inCallout && /^\s*>/.test(line)) continue;
    inCallout = false;
    if (/^\s*$/.test(line) || /^#{1,6}\s/.test(line) || /^\s*([-*_])\s*\1\s*\1/.test(line)) {
      // A paragraph of inline fields (`Title:: …`) is metadata, not a summary.
      if (out.some(isInlineFieldLine)) out.length = 0;
      if (out.length) break;
      continue;
    }
    if (/^\s*(!\[|<|\||>\s*\[!)/.test(line) && !out.length) continue; // images, html, tables, callout headers
    out.push(line);
  }
  if (out.some(isInlineFieldLine)) out.length = 0;
  const text = foldSpace(out.join(' '));
  if (text && out.every((l) => LINK_LINE.test(l))) {
    // "Paper: https://..." lines are links, not a summary; look at the next paragraph.
    const rest = lines.slice(lines.indexOf(out[out.length - 1]) + 1);
    return firstParagraph(rest);
  }
  return text || undefined;
}

const LINK_LINE = /^\s*(?:[-*]\s+)?(?:[\w .]+:\s*)?<?https?:\/\/\S+>?\s*$/;

/** A year from a date as notes write it: a year, a date string, CSL's date-parts, or pandoc's `year` map or list of them. */
function parseYear(v: FrontMatterValue | undefined): number | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  const map = first && typeof first === 'object' && !Array.isArray(first) ? (first as FrontMatterData) : undefined;
  const s = map ? String(map.year ?? map['date-parts'] ?? '') : first === undefined || first === null ? '' : String(first);
  const m = /\b(1[5-9]\d\d|20\d\d|21\d\d)\b/.exec(s);
  return m ? Number(m[1]) : undefined;
}

function arxivFromVenue(venue: string | undefined): string | undefined {
  if (!venue || !/arxiv/i.test(venue)) return undefined;
  return parseArxivId(venue);
}

function parseDoi(v: string | undefined): string | undefined {
  const m = v ? /\b(10\.\d{4,9}\/[^\s"<>]+)/.exec(v) : null;
  return m ? m[1].replace(/[.,;)]+$/, '') : undefined;
}

function parseDoiLink(body: string): string | undefined {
  const m = /doi\.org\/(10\.\d{4,9}\/[^\s"<>)\]]+)/i.exec(body);
  return m ? m[1].replace(/[.,;]+$/, '') : undefined;
}

/** Tags in any shape: lists, "a, b", "#a #b", "[[a]]", nested "a/b". Returned as slash paths. */
export function parseTopics(v: FrontMatterValue | undefined): string[] {
  const raw: string[] = [];
  const collect = (x: FrontMatterValue | undefined): void => {
    if (typeof x === 'string') raw.push(...(x.includes(',') ? x.split(',') : /(^|\s)#/.test(x) ? x.split(/\s+/) : [x]));
    else if (Array.isArray(x)) x.forEach(collect);
  };
  collect(v);
  const out: string[] = [];
  for (const r of raw) {
    const t = r.replace(/\[\[([^\]|]*)(?:\|[^\]]*)?\]\]/g, '$1').replace(/^[\s#\[\]]+|[\s\]]+$/g, '').replace(/^["']|["']$/g, '').trim();
    if (!t || t.length > 80) continue;
    const path = t.split('/').map((p) => p.trim()).filter(Boolean).join('/');
    if (path && !out.includes(path)) out.push(path);
  }
  return out.slice(0, 50);
}

/** `#tag` and `#nested/tag` in the text (as Obsidian, Foam and Zettlr read them), outside code; not `#123` or a heading. */
const BODY_TAG = /(?:^|[\s(,;])#([\p{L}_][\p{L}\p{N}_/-]{0,79})/gu;

export function bodyTags(lines: string[]): string[] {
  const out: string[] = [];
  let inFence = false;
  for (const raw of lines) {
    if (FENCE.test(raw)) { inFence = !inFence; continue; }
    if (inFence || !raw.includes('#')) continue;
    const line = raw.replace(/`[^`]*`/g, ' ');
    BODY_TAG.lastIndex = 0;
    for (let m; (m = BODY_TAG.exec(line)); ) {
      const tag = m[1].replace(/[/-]+$/, '');
      if (tag && !out.includes(tag)) out.push(tag);
      if (out.length >= 50) return out;
    }
  }
  return out;
}

const NOTE_ROOTS = /^(notes|papers|paper-notes|literature|lit|references|zotero)$/i;

/** The folder a note sits in, below its notes root, as a topic path. */
export function folderTopic(relativePath: string): string[] {
  const dirs = relativePath.split('/').slice(0, -1);
  let start = 0;
  for (let i = dirs.length - 1; i >= 0; i--) if (NOTE_ROOTS.test(dirs[i])) { start = i + 1; break; }
  const rest = dirs.slice(start);
  return rest.length ? [rest.join('/')] : [];
}
