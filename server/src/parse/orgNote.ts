import { parseAuthors } from './authors';
import type { PaperSource, ParsedSource } from './types';
import { MAX_KEY } from './citations';
import { folderTopic, MAX_BODY_CHARS } from './note';
import { arxivOfDoi, cleanUrl, findArxivInText, findUrls, foldSpace, parseArxivId, range, Range } from '../util/text';
import { isCodeUrl } from '../shared/rules';

/** How far into a file its keywords and first property drawers are looked for. */
const HEAD_LINES = 200;

/**
 * A paper's reference in an Org note: org-roam's `ROAM_REFS` (`@key`, `cite:key`, `cite:&key`,
 * `[cite:@key]`), org-roam 1's `#+roam_key: cite:key`, or a `#+citekey:` keyword.
 */
const REF_KEY = /(?:^|[\s;[])(?:\[?cite(?:\/[\w/-]{0,64})?:@|[a-zA-Z]{0,24}cite[a-zA-Z]{0,24}:&?|@)([\p{L}\p{N}_][\p{L}\p{N}_\-.:/+]{0,255})/gu;
/** A keyword line and a property line; their values are trimmed after (`(.*?)\s*$` is quadratic on a long run of spaces). */
const KEYWORD = /^[ \t]*#\+([a-zA-Z_]+):[ \t]*(.*)$/;
const PROPERTY = /^[ \t]*:([a-zA-Z_-]+):[ \t]*(.*)$/;

/**
 * Whether an Org file is a paper's note: its head names the paper's citation key the way org-roam
 * (and org-roam-bibtex, citar-org-roam) write literature notes. Any other Org file is a draft.
 */
export function isOrgPaperNote(text: string): boolean {
  const head = text.slice(0, 16384);
  return /^\s*:ROAM_REFS:.*(?:@|cite)/im.test(head) || /^\s*#\+(?:roam_key|citekey):\s*\S/im.test(head);
}

/** A line of the note, and its number. */
interface Line { text: string; line: number }
/** A keyword's or property's value: its text, line, and the column it starts at. */
interface OrgLine extends Line { at: number }

/**
 * An org-roam literature note: the key from `ROAM_REFS` (its first citation reference; further ones
 * are the paper's other keys), `#+roam_key:` or `#+citekey:`; the title from `#+title:` (else the
 * first heading, else the file name); authors, year, DOI and URL from the properties
 * org-roam-bibtex's templates write (`AUTHOR`, `YEAR`, `DOI`, `URL`); tags from `#+filetags:`; the
 * abstract from an `Abstract` heading; the summary from the first paragraph of prose.
 */
export function parseOrgNote(uri: string, text: string, relativePath: string): ParsedSource {
  const lines = text.split('\n').map((t, line) => ({ text: t.replace(/\r$/, ''), line }));
  const keywords = new Map<string, OrgLine>();
  const properties = new Map<string, OrgLine>();
  for (const l of lines.slice(0, HEAD_LINES)) {
    const valueAt = (m: RegExpExecArray) => ({ text: m[2].trimEnd(), line: l.line, at: m[0].length - m[2].length });
    const k = KEYWORD.exec(l.text);
    if (k && !keywords.has(k[1].toLowerCase())) keywords.set(k[1].toLowerCase(), valueAt(k));
    const p = PROPERTY.exec(l.text);
    if (p && !/^(properties|end)$/i.test(p[1]) && !properties.has(p[1].toUpperCase())) properties.set(p[1].toUpperCase(), valueAt(p));
  }
  const stem = (relativePath.split('/').pop() ?? 'note').replace(/\.[^.]+$/, '');
  const refs = referenceKeys(properties.get('ROAM_REFS') ?? keywords.get('roam_key') ?? keywords.get('citekey'), keywords.has('citekey') && !properties.has('ROAM_REFS') && !keywords.has('roam_key'));
  const key = refs[0]?.key ?? stem;
  const keyRange = refs[0]?.range;
  const heading = lines.find((l) => /^\*+\s+\S/.test(l.text));
  const headingText = heading?.text.replace(/^\*+\s+/, '').trimEnd();
  const titleLine = keywords.get('title');
  const title = foldSpace(titleLine?.text || headingText || stem);
  const titleRange = titleLine?.text ? valueRange(titleLine)
    : heading && headingText ? range(heading.line, heading.text.indexOf(headingText), heading.line, heading.text.indexOf(headingText) + headingText.length)
      : keyRange ?? range(0, 0, 0, 0);
  const prop = (...names: string[]) => names.map((n) => properties.get(n)?.text).find((v) => v);
  const authorText = prop('AUTHOR', 'AUTHORS', 'AUTHOR-OR-EDITOR');
  const authors = authorText ? parseAuthors(authorText) : [];
  const year = Number(/\b(1[5-9]\d\d|2\d\d\d)\b/.exec(prop('YEAR', 'DATE', 'ISSUED') ?? '')?.[1]) || undefined;
  const doi = /\b(10\.\d{4,9}\/\S+)/.exec(prop('DOI') ?? '')?.[1];
  const body = lines.map((l) => l.text).join('\n');
  const arxiv = parseArxivId(prop('ARXIV', 'EPRINT')) ?? arxivOfDoi(doi) ?? findArxivInText(body);
  const url = cleanUrl(prop('URL') ?? '');
  const codeUrls = [...new Set(findUrls(body).filter(isCodeUrl))];
  const tags = (keywords.get('filetags')?.text ?? '').split(/[:\s]+/).map((t) => t.trim()).filter((t) => t && t.length <= 80).slice(0, 50);
  const abstract = section(lines, /^abstract$/i);
  const aliases = refs.slice(1).map((r) => r.key).filter((k) => k !== key);
  const paper: PaperSource = {
    kind: 'note', uri, key, keyRange, title, titleRange, authors, year, arxiv, doi, url, codeUrls, ordinal: 0,
    ...(aliases.length ? { aliases } : {}),
    abstract: abstract ? foldSpace(abstract) : undefined,
    summary: section(lines, /^(summary|tl;?\s*dr)$/i) ?? firstParagraph(lines),
    topics: tags.length ? tags : folderTopic(relativePath),
    body: body.length > MAX_BODY_CHARS ? body.slice(0, MAX_BODY_CHARS) : body,
  };
  const log = refs.length ? [] : [`${relativePath}: an Org note without a citation key in ROAM_REFS, #+roam_key or #+citekey; keyed by its file name`];
  return { papers: [paper], problems: [], log };
}

/** The citation keys a `ROAM_REFS` value (or `#+roam_key:`) names, with where each is; `bare`: the value is a key itself (`#+citekey:`). */
function referenceKeys(value: OrgLine | undefined, bare: boolean): { key: string; range: Range }[] {
  if (!value) return [];
  const start = value.at;
  if (bare) {
    const key = value.text.trim().replace(/^@/, '');
    return key && key.length <= MAX_KEY && !/\s/.test(key) ? [{ key, range: range(value.line, start + value.text.indexOf(key), value.line, start + value.text.indexOf(key) + key.length) }] : [];
  }
  const out: { key: string; range: Range }[] = [];
  REF_KEY.lastIndex = 0;
  for (let m; (m = REF_KEY.exec(value.text)); ) {
    const key = m[1].replace(/[.:/+-]+$/, '');
    const at = start + m.index + m[0].length - m[1].length;
    // A URL's `user@host` or `https:` is no key: what follows `@` must not be part of a link.
    if (key && !/^https?$/i.test(key)) out.push({ key, range: range(value.line, at, value.line, at + key.length) });
  }
  return out;
}

/** Where a keyword's or property's value is on its line. */
function valueRange(value: OrgLine): Range {
  return range(value.line, value.at, value.line, value.at + value.text.length);
}

/** The text under the first heading `name` matches, up to the next heading of its level or above. */
function section(lines: Line[], name: RegExp): string | undefined {
  for (let i = 0; i < lines.length; i++) {
    const h = /^(\*+)[ \t]+(.*)$/.exec(lines[i].text);
    if (!h || !name.test(h[2].trimEnd())) continue;
    const out: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const next = /^(\*+)\s/.exec(lines[j].text);
      if (next && next[1].length <= h[1].length) break;
      if (!isMarkup(lines[j].text)) out.push(lines[j].text);
    }
    const text = foldSpace(out.join('\n'));
    if (text) return text;
  }
  return undefined;
}

/** Keywords, drawers and their properties, comments, block delimiters: not prose. */
function isMarkup(line: string): boolean {
  return /^\s*(#\+|:[a-zA-Z_-]+:|#\s|#$)/.test(line);
}

function firstParagraph(lines: Line[]): string | undefined {
  const out: string[] = [];
  let block = false;
  for (const { text } of lines) {
    if (/^\s*#\+begin_/i.test(text)) { block = true; if (out.length) break; continue; }
    if (/^\s*#\+end_/i.test(text)) { block = false; continue; }
    if (block) continue;
    if (!text.trim() || /^\*+\s/.test(text) || isMarkup(text)) {
      if (out.length) break;
      continue;
    }
    out.push(text);
  }
  return foldSpace(out.join(' ')) || undefined;
}
