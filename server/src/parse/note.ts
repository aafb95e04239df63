import { readFrontMatter, FrontMatterData, FrontMatterValue } from './frontMatter';
import { parseAuthors } from './authors';
import type { PaperSource, ParsedSource, SourceProblem } from './types';
import { MAX_KEY } from './citations';
import { cleanUrl, findArxivInText, findUrls, foldSpace, lineRange, parseArxivId, range, Range } from '../util/text';
import { isCodeUrl } from '../shared/rules';

/** Note text kept for full-text search; longer notes are searched by their beginning. */
const MAX_BODY_CHARS = 64 * 1024;

const KEY_FIELDS = ['citekey', 'citeKey', 'citationKey', 'citation-key', 'citation_key', 'key', 'id'];
/** Fields that mark any markdown file as a literature note (`key`/`id` are too generic for that). */
const CITEKEY_FIELDS = ['citekey', 'citeKey', 'citationKey', 'citation-key', 'citation_key'];

export interface NoteOptions {
  /** Workspace-relative path, used for the key fallback and folder topics. */
  relativePath: string;
}

/** True when a markdown file's front matter names a citation key, which makes it a note wherever it lives. */
export function declaresCitationKey(text: string): boolean {
  if (!text.startsWith('---')) return false;
  const head = text.slice(0, 4096);
  return CITEKEY_FIELDS.some((f) => new RegExp(`^${f}\\s*:\\s*\\S`, 'm').test(head));
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

  let keyField = KEY_FIELDS.find((f) => scalar(data[f]) !== undefined);
  const written = keyField && scalar(data[keyField])!.trim();
  if (written && written.length > MAX_KEY) {
    // No citation can name it (find.ts looks at keys up to MAX_KEY), and every answer would carry it.
    const line = fm.lines.find((l) => l.text.startsWith(keyField!));
    problems.push({ range: lineRange(line?.line ?? 0, line?.text.slice(0, 200) ?? '---'), message: `The ${keyField} is ${written.length} characters long, over the limit of ${MAX_KEY}; the note is indexed under its file name.`, severity: 'warning', code: 'key-too-long' });
    keyField = undefined;
  }
  const key = keyField ? written! : fileStem.trim();
  const keyRange = keyField ? fieldValueRange(fm.lines, keyField, key) : undefined;

  const heading = findHeading(bodyLines, fm.bodyLine);
  const title = foldSpace(scalar(data.title) ?? scalar(work.title) ?? heading?.text ?? fileStem);
  const titleRange =
    fieldValueRange(fm.lines, 'title', title) ?? (heading && !scalar(data.title) ? heading.range : undefined) ?? keyRange ?? range(0, 0, 0, 0);

  const authors = parseAuthors(data.authors ?? data.author ?? work.authors ?? work.author);
  const year = parseYear(data.year ?? data.date ?? data.issued ?? data.published ?? work.year ?? work.date);
  const arxiv =
    parseArxivId(scalar(data.arxiv) ?? scalar(data.arxiv_id) ?? scalar(data.arxivId) ?? scalar(data.eprint) ?? scalar(work.arxiv) ?? scalar(work.eprint)) ??
    arxivFromVenue(scalar(data.venue) ?? scalar(data.journal) ?? scalar(work.venue)) ??
    findArxivInText(fm.body);
  const doi = parseDoi(scalar(data.doi) ?? scalar(data.DOI) ?? scalar(work.doi)) ?? parseDoiLink(fm.body);
  const url = cleanUrl(scalar(data.url) ?? scalar(data.URL) ?? scalar(work.url) ?? '');
  const codeFields = [data.code, data.code_url, data.codeUrl, data.github, data.repo, work.code].map(scalar).filter((v): v is string => !!v);
  const codeUrls = unique([...codeFields.map((c) => cleanUrl(c)).filter((u): u is string => !!u), ...findUrls(fm.body).filter(isCodeUrl)]);

  const abstractField = scalar(data.abstract) ?? scalar(work.abstract);
  const summary = findSection(bodyLines) ?? firstParagraph(bodyLines);
  let topics = parseTopics(data.tags ?? data.topics ?? data.keywords ?? work.tags);
  if (topics.length === 0) topics = folderTopic(options.relativePath);

  if (text.trim() === '') log.push(`${options.relativePath}: empty note, indexed by its file name`);

  const paper: PaperSource = {
    kind: 'note',
    uri,
    key,
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
    ordinal: 0,
  };
  return { papers: [paper], problems, log };
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
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
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
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*(```|~~~)/.test(line)) { inFence = !inFence; if (out.length) break; continue; }
    if (inFence) continue;
    if (/^\s*$/.test(line) || /^#{1,6}\s/.test(line) || /^\s*([-*_])\s*\1\s*\1/.test(line)) {
      if (out.length) break;
      continue;
    }
    if (/^\s*(!\[|<|\||>\s*\[!)/.test(line) && !out.length) continue; // images, html, tables, callout headers
    out.push(line);
  }
  const text = foldSpace(out.join(' '));
  if (text && out.every((l) => LINK_LINE.test(l))) {
    // "Paper: https://..." lines are links, not a summary; look at the next paragraph.
    const rest = lines.slice(lines.indexOf(out[out.length - 1]) + 1);
    return firstParagraph(rest);
  }
  return text || undefined;
}

const LINK_LINE = /^\s*(?:[-*]\s+)?(?:[\w .]+:\s*)?<?https?:\/\/\S+>?\s*$/;

function parseYear(v: FrontMatterValue | undefined): number | undefined {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : v && typeof v === 'object' ? String((v as FrontMatterData)['date-parts'] ?? '') : '';
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

const NOTE_ROOTS = /^(notes|papers|paper-notes|literature|lit|references|zotero)$/i;

/** The folder a note sits in, below its notes root, as a topic path. */
export function folderTopic(relativePath: string): string[] {
  const dirs = relativePath.split('/').slice(0, -1);
  let start = 0;
  for (let i = dirs.length - 1; i >= 0; i--) if (NOTE_ROOTS.test(dirs[i])) { start = i + 1; break; }
  const rest = dirs.slice(start);
  return rest.length ? [rest.join('/')] : [];
}
