import type { PaperSource, ParsedSource, SourceProblem } from './types';
import { stringSpans } from './jsonSpans';
import { cleanUrl, findUrls, foldSpace, LineIndex, lineRange, parseArxivId, range } from '../util/text';
import type { Range } from '../util/text';
import { decodeEntities } from '../shared/rules';

export type DigestFormat = 'text' | 'markdown' | 'json' | 'html';

export function digestFormat(path: string): DigestFormat {
  if (/\.json$/i.test(path)) return 'json';
  if (/\.html?$/i.test(path)) return 'html';
  if (/\.(md|markdown)$/i.test(path)) return 'markdown';
  return 'text';
}

/** `parsed`: a JSON digest's data, when the caller has parsed it already. */
export function parseDigest(uri: string, text: string, format: DigestFormat, relativePath = uri, parsed?: { data: unknown }): ParsedSource {
  switch (format) {
    case 'json': return parseJsonDigest(uri, text, relativePath, parsed);
    case 'html': return parseHtmlDigest(uri, text, relativePath);
    case 'markdown': return parseMarkdownDigest(uri, text, relativePath);
    default: return parseTextDigest(uri, text, relativePath);
  }
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DATE_LINE = /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?$|^(\d{4})-(\d{2})-(\d{2})$/i;
/** Lines of the saved Daily Papers page that are navigation, not papers. */
const PAGE_CHROME = [/^new$/i, /^get trending papers in your email inbox!?$/i, /^subscribe$/i, /^daily papers$/i, /^by\s*ak and the research community$/i, /^(previous|next)( day| week| month)?$/i, /^(daily|weekly|monthly)$/i, /^submitted by\b/i, /^upvote$/i];

export interface DigestDate { written: string; rank: string }

/** A date line: "Sep 8", "September 8, 2025", "2025-09-08". Rank sorts dates without a year within one year. */
export function parseDateLine(line: string): DigestDate | undefined {
  const m = DATE_LINE.exec(line.trim());
  if (!m) return undefined;
  if (m[4]) return { written: line.trim(), rank: `${m[4]}-${m[5]}-${m[6]}` };
  const month = MONTHS.indexOf(m[1].slice(0, 3).toLowerCase()) + 1;
  const day = Number(m[2]);
  if (day < 1 || day > 31) return undefined;
  const year = m[3] ?? '0000';
  return { written: line.trim(), rank: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

interface Block { line: number; lines: string[] }

function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') { current = undefined; return; }
    if (!current) { current = { line: i, lines: [] }; blocks.push(current); }
    current.lines.push(line);
  });
  return blocks;
}

function looksLikeTitle(b: Block | undefined): boolean {
  if (!b || b.lines.length !== 1) return false;
  const t = b.lines[0].trim();
  return t.length >= 3 && t.length <= 300 && !/[.!]\s*$/.test(t.replace(/\b(?:et al|vs|etc)\.$/i, ''));
}

/** The saved page: chrome lines, a date line, then title / abstract paragraph pairs. */
function parseTextDigest(uri: string, text: string, relativePath: string): ParsedSource {
  const papers: PaperSource[] = [];
  const problems: SourceProblem[] = [];
  const log: string[] = [];
  const blocks = blocksOf(text);
  let date: DigestDate | undefined;
  let i = 0;
  // Chrome and the date come before the first paper; a later date line starts a new day.
  for (; i < blocks.length; i++) {
    const only = blocks[i].lines.length === 1 ? blocks[i].lines[0].trim() : undefined;
    if (only === undefined) break;
    if (PAGE_CHROME.some((re) => re.test(only))) continue;
    const d = parseDateLine(only);
    if (d) { date = d; continue; }
    break;
  }
  for (; i < blocks.length; i++) {
    const block = blocks[i];
    const only = block.lines.length === 1 ? block.lines[0].trim() : undefined;
    if (only !== undefined) {
      const d = parseDateLine(only);
      if (d) { date = d; continue; }
      if (PAGE_CHROME.some((re) => re.test(only))) continue;
    }
    const next = blocks[i + 1];
    if (looksLikeTitle(block)) {
      // A title pairs with the next paragraph unless that one is itself a bare title line.
      if (next && !(looksLikeTitle(next) && !looksLikeAbstract(next))) {
        papers.push(digestPaper(uri, block.lines[0].trim(), block.line, next.lines.join('\n'), date, papers.length));
        i++;
      } else {
        papers.push(digestPaper(uri, block.lines[0].trim(), block.line, '', date, papers.length));
        log.push(`${relativePath}:${block.line + 1}: "${block.lines[0].trim().slice(0, 60)}" has no abstract after it; indexed with its title only`);
      }
      continue;
    }
    const preview = block.lines[0].slice(0, 60);
    log.push(`${relativePath}:${block.line + 1}: skipped text that is not a title/abstract pair: "${preview}"`);
    problems.push({ range: lineRange(block.line, block.lines[0]), message: 'Not read as a paper: expected a title line followed by an abstract paragraph.', severity: 'info', code: 'digest-skipped' });
  }
  if (papers.length === 0 && text.trim() !== '') log.push(`${relativePath}: no papers found in this digest`);
  return { papers, problems, log };
}

function looksLikeAbstract(b: Block): boolean {
  const t = b.lines.join(' ');
  return t.length > 200 || (t.match(/[.!?](\s|$)/g)?.length ?? 0) >= 2;
}

function digestPaper(uri: string, rawTitle: string, line: number, abstractText: string, date: DigestDate | undefined, ordinal: number, extra: Partial<PaperSource> = {}): PaperSource {
  const title = foldSpace(rawTitle);
  const abstract = foldSpace(abstractText);
  const indent = rawTitle.length - rawTitle.trimStart().length;
  return {
    kind: 'digest',
    uri,
    title,
    titleRange: range(line, indent, line, indent + rawTitle.trim().length),
    authors: [],
    digestDate: date?.written,
    dateRank: date?.rank,
    // Every URL in a digest abstract is a code or data link (the page has no other place for them).
    codeUrls: findUrls(abstract),
    abstract: abstract || undefined,
    topics: [],
    ordinal,
    ...extra,
  };
}

/** `## Title` headings, each followed by its abstract; a `# ...` heading or a date line gives the date. */
function parseMarkdownDigest(uri: string, text: string, relativePath: string): ParsedSource {
  const papers: PaperSource[] = [];
  const log: string[] = [];
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  let date: DigestDate | undefined;
  let current: { title: string; line: number; body: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const body = current.body.join('\n');
    const arxiv = /arxiv\.org\/(?:abs|pdf)\/(\d{4}\.\d{4,5})/i.exec(body)?.[1];
    papers.push(digestPaper(uri, current.title, current.line, body.replace(/^\s*(\*\*)?(arxiv|url|link|code)[^\n]*$/gim, ''), date, papers.length, { arxiv }));
    current = undefined;
  };
  lines.forEach((line, i) => {
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h && h[1].length >= 2) {
      flush();
      current = { title: line.slice(line.indexOf(h[2])).replace(/\s*#*\s*$/, ''), line: i, body: [] };
      return;
    }
    if (h) {
      flush();
      date = parseDateLine(h[2]) ?? parseDateLine(h[2].replace(/^.*?[—–:-]\s*/, '')) ?? date;
      return;
    }
    if (!current) {
      date = parseDateLine(line) ?? date;
      return;
    }
    current.body.push(line);
  });
  flush();
  // The title range must start at the title text, after the hashes.
  for (const p of papers) {
    const l = lines[p.titleRange.start.line];
    const at = l.indexOf(p.title.slice(0, 10));
    if (at >= 0) p.titleRange = range(p.titleRange.start.line, at, p.titleRange.start.line, at + p.title.length);
  }
  if (papers.length === 0 && text.trim() !== '') log.push(`${relativePath}: no "## Title" sections found in this markdown digest`);
  return { papers, problems: [], log };
}

interface JsonAuthor { name?: unknown }

/** The JSON the Daily Papers site serves: an array of entries with `paper.{id,title,summary,authors}`. */
function parseJsonDigest(uri: string, text: string, relativePath: string, parsed?: { data: unknown }): ParsedSource {
  const papers: PaperSource[] = [];
  const problems: SourceProblem[] = [];
  const log: string[] = [];
  let data: unknown;
  try {
    data = parsed ? parsed.data : JSON.parse(text);
  } catch (err) {
    const message = `Digest JSON is not valid: ${(err as Error).message.slice(0, 200)}`;
    log.push(`${relativePath}: ${message}`);
    problems.push({ range: range(0, 0, 0, 1), message, severity: 'error', code: 'digest-json' });
    return { papers, problems, log };
  }
  const wrapped = !Array.isArray(data);
  const entries = !wrapped ? (data as unknown[]) : Array.isArray((data as { papers?: unknown })?.papers) ? (data as { papers: unknown[] }).papers : undefined;
  if (!entries) {
    log.push(`${relativePath}: expected a JSON array of Daily Papers entries`);
    problems.push({ range: range(0, 0, 0, 1), message: 'Expected an array of Daily Papers entries (each with paper.title and paper.summary).', severity: 'warning', code: 'digest-json' });
    return { papers, problems, log };
  }
  const index = new LineIndex(text);
  const titleSpans = stringSpans(text, (key) => key === 'title');
  const entryPath = (n: number) => (wrapped ? `papers/${n}` : String(n));
  // Point at the title's string in the file (inside its quotes), so definition lands on it.
  const read = dailyPapersEntries(uri, entries, relativePath, log, (n, nested) => {
    const span = titleSpans.get(`${entryPath(n)}${nested ? '/paper' : ''}/title`) ?? titleSpans.get(`${entryPath(n)}/title`);
    const pos = span ? index.positionAt(span[0] + 1) : { line: 0, character: 0 };
    return range(pos.line, pos.character, pos.line, pos.character + (span ? span[1] - span[0] - 2 : 0));
  });
  return { papers: read, problems, log };
}

/**
 * Daily Papers entries (`paper.{id,title,summary,authors,publishedAt,ai_keywords,githubRepo}`, as
 * the site's JSON and its pages hold them) as digest papers. `titleRange` gives where the file
 * shows entry `n`'s title (`nested`: the title is the entry's `paper.title`).
 */
function dailyPapersEntries(uri: string, entries: readonly unknown[], relativePath: string, log: string[], titleRange: (n: number, nested: boolean, title: string) => Range): PaperSource[] {
  const papers: PaperSource[] = [];
  entries.forEach((entry, n) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const p = (typeof e.paper === 'object' && e.paper ? e.paper : e) as Record<string, unknown>;
    const title = typeof p.title === 'string' ? p.title : typeof e.title === 'string' ? e.title : undefined;
    if (!title || !title.trim()) {
      log.push(`${relativePath}: entry ${n + 1} has no title; skipped`);
      return;
    }
    const summary = typeof p.summary === 'string' ? p.summary : typeof e.summary === 'string' ? e.summary : '';
    // The entry's date is the day the digest featured the paper; the paper's own is when it was published.
    const isoDay = (v: unknown) => (typeof v === 'string' ? /^(\d{4}-\d{2}-\d{2})/.exec(v)?.[1] : undefined);
    const featured = isoDay(e.publishedAt) ?? isoDay(p.publishedAt);
    const issued = p === e ? undefined : isoDay(p.publishedAt);
    const date = featured ? { written: featured, rank: featured } : undefined;
    const link = (v: unknown) => (typeof v === 'string' ? cleanUrl(v) : undefined);
    const repo = link(p.githubRepo) ?? link(e.githubRepo);
    const page = link(p.projectPage) ?? link(e.projectPage);
    const authors = Array.isArray(p.authors) ? (p.authors as JsonAuthor[]).map((a) => (typeof a === 'string' ? a : typeof a?.name === 'string' ? a.name : '')).filter(Boolean) : [];
    const where = titleRange(n, p !== e, title);
    const paper = digestPaper(uri, title, where.start.line, summary, date, papers.length, {
      authors,
      arxiv: parseArxivId(typeof p.id === 'string' ? p.id : undefined),
      year: Number((issued ?? featured)?.slice(0, 4)) || undefined,
      issued,
      url: page,
      keywords: keywordsOf(p.ai_keywords ?? e.ai_keywords),
    });
    if (repo && !paper.codeUrls.includes(repo)) paper.codeUrls = [repo, ...paper.codeUrls];
    paper.titleRange = where;
    papers.push(paper);
  });
  return papers;
}

/** The Daily Papers page's data: the props of its `DailyPapers` component, as the site renders them into the page. */
const DAILY_PAPERS_TARGET = /\sdata-target\s*=\s*(["'])DailyPapers\1/i;

/**
 * A Daily Papers page saved from the browser (`.html`): the page carries its papers as JSON, in the
 * `data-props` attribute of the element whose `data-target` is `DailyPapers` (`{ dailyPapers: [...] }`,
 * entries as the site's JSON has them). Nothing else of the page is read, and nothing of it runs.
 * A paper's definition is where the page shows its title, else that element.
 */
function parseHtmlDigest(uri: string, text: string, relativePath: string): ParsedSource {
  const problems: SourceProblem[] = [];
  const log: string[] = [];
  const notThere = (why: string): ParsedSource => {
    log.push(`${relativePath}: ${why}`);
    problems.push({ range: range(0, 0, 0, 1), message: `Not read as a Daily Papers page: ${why}.`, severity: 'warning', code: 'digest-html' });
    return { papers: [], problems, log };
  };
  const target = DAILY_PAPERS_TARGET.exec(text);
  if (!target && ARXIV_TITLE.test(text)) return parseArxivListing(uri, text, relativePath);
  if (!target) return notThere('it has neither Daily Papers data (an element with data-target="DailyPapers") nor an arXiv listing; save the page as HTML from huggingface.co/papers or arxiv.org/list, or save its JSON');
  const tagStart = text.lastIndexOf('<', target.index);
  const props = tagStart < 0 ? undefined : attributeOf(text, tagStart, 'data-props');
  if (props === undefined) return notThere('its DailyPapers element has no data-props');
  let data: unknown;
  try {
    data = JSON.parse(decodeEntities(props.value));
  } catch (err) {
    return notThere(`its Daily Papers data is not valid JSON (${(err as Error).message.slice(0, 200)})`);
  }
  const entries = (data as { dailyPapers?: unknown } | null)?.dailyPapers;
  if (!Array.isArray(entries)) return notThere('its Daily Papers data has no dailyPapers list');
  const index = new LineIndex(text);
  const element = index.positionAt(tagStart);
  const shownAt = textNodes(text, props);
  const papers = dailyPapersEntries(uri, entries, relativePath, log, (_n, _nested, title) => {
    // The page shows each title as text, escaped: the first place outside the data is where it is.
    const shown = escapeHtmlText(title.trim());
    const at = shownAt.get(shown);
    if (at === undefined) return range(element.line, element.character, element.line, element.character + 4);
    const pos = index.positionAt(at);
    return range(pos.line, pos.character, pos.line, pos.character + shown.length);
  });
  return { papers, problems, log };
}

/** Where each text between two tags first is (its trimmed text), outside `skip`: one pass, whatever the number of papers. */
function textNodes(text: string, skip: { start: number; end: number }): Map<string, number> {
  const at = new Map<string, number>();
  const node = />([^<>]{1,2000})</g;
  for (let m; (m = node.exec(text)); ) {
    if (m.index >= skip.start - 1 && m.index < skip.end) { node.lastIndex = skip.end; continue; }
    const trimmed = m[1].trim();
    if (trimmed && !at.has(trimmed)) at.set(trimmed, m.index + 1 + m[1].indexOf(trimmed));
    node.lastIndex = m.index + m[0].length - 1; // the `<` that ended this one may start the next tag
  }
  return at;
}

/** An arXiv listing's entry title (`<div class='list-title mathjax'><span class='descriptor'>Title:</span> …</div>`). */
const ARXIV_TITLE = /<div class=['"]list-title[^'"]*['"]>/;

/**
 * An arXiv listing page saved as HTML (arxiv.org/list/cs.CL/new, /recent, /pastweek): each entry's
 * `<dt>` gives its arXiv id (`/abs/…`), its `<dd>` the title, the authors and, on the new
 * submissions page, the abstract (`<p class='mathjax'>`). The date heading ("Showing new listings
 * for Thursday, 19 March 2026", or "Thu, 19 Mar 26" on older pages) is the digest's date. Tags are dropped and entities decoded; TeX
 * stays as written.
 */
function parseArxivListing(uri: string, text: string, relativePath: string): ParsedSource {
  const papers: PaperSource[] = [];
  const log: string[] = [];
  const index = new LineIndex(text);
  // "Thursday, 19 March 2026"; older pages wrote "Thu, 19 Mar 26".
  const heading = /<h3>[^<]{0,200}?(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4}|\d{2})(?!\d)[^<]{0,40}<\/h3>/.exec(text);
  const month = heading ? MONTHS.indexOf(heading[2].toLowerCase().slice(0, 3)) : -1;
  const year = heading && (heading[3].length === 2 ? `20${heading[3]}` : heading[3]);
  const day = heading && month >= 0 ? `${year}-${String(month + 1).padStart(2, '0')}-${heading[1].padStart(2, '0')}` : undefined;
  const date = day ? { written: day, rank: day } : undefined;
  const seen = new Set<string>();
  // Entry by entry with indexOf, each bound found once: a page of unclosed `<dt>`s stays linear.
  let dtEnd = -1;
  for (let dtAt = text.indexOf('<dt>'); dtAt >= 0; ) {
    if (dtEnd < dtAt) dtEnd = text.indexOf('</dt>', dtAt);
    if (dtEnd < 0) break;
    const nextDt = text.indexOf('<dt>', dtAt + 4);
    if (nextDt >= 0 && nextDt < dtEnd) { dtAt = nextDt; continue; } // a <dt> without its end
    const ddOpen = text.indexOf('<dd>', dtEnd);
    if (ddOpen < 0) break;
    const ddStart = ddOpen + 4;
    const ddEnd = text.indexOf('</dd>', ddStart);
    if (ddEnd < 0) break;
    const dt = text.slice(dtAt + 4, dtEnd);
    dtAt = text.indexOf('<dt>', ddEnd);
    if (text.slice(dtEnd + 5, ddOpen).trim()) continue; // the <dd> is not this <dt>'s
    const id = /\/abs\/([^"'\s<>]{4,40})["']/.exec(dt)?.[1];
    const dd = text.slice(ddStart, ddEnd);
    const title = /<div class=['"]list-title[^'"]*['"]>(?:\s*<span[^>]*>\s*Title:\s*<\/span>)?([\s\S]*?)<\/div>/.exec(dd);
    const arxiv = parseArxivId(id);
    if (!title || !arxiv) { log.push(`${relativePath}: an arXiv listing entry without ${title ? 'an arXiv id' : 'a title'}; skipped`); continue; }
    // A listing shows a cross-list or a replacement again further down: the first entry is the one.
    if (seen.has(arxiv)) continue;
    seen.add(arxiv);
    const titleText = htmlText(title[1]);
    if (!titleText) continue;
    const authors = [...(/<div class=['"]list-authors['"]>([\s\S]*?)<\/div>/.exec(dd)?.[1] ?? '').matchAll(/<a\b[^>]*>([\s\S]*?)<\/a>/g)].map((a) => htmlText(a[1])).filter(Boolean);
    const abstract = /<p class=['"]mathjax['"]>([\s\S]*?)<\/p>/.exec(dd);
    // Where the title's text starts: after the group's leading white space (the match ends with `</div>`).
    const at = index.positionAt(ddStart + title.index + title[0].length - '</div>'.length - title[1].trimStart().length);
    const paper = digestPaper(uri, titleText, at.line, abstract ? htmlText(abstract[1]) : '', date, papers.length, { authors, arxiv, year: Number(day?.slice(0, 4)) || undefined });
    paper.titleRange = range(at.line, at.character, at.line, at.character + Math.min(title[1].trim().length, 1000));
    papers.push(paper);
  }
  if (!papers.length) log.push(`${relativePath}: an arXiv listing with no entries read`);
  return { papers, problems: [], log };
}

/** The text of an HTML fragment: tags dropped, entities decoded, white space folded. */
function htmlText(fragment: string): string {
  return foldSpace(decodeEntities(fragment.replace(/<[^>]*>/g, ' ')));
}

/** The value of attribute `name` of the tag starting at `tagStart` (quoted or not), with where it lies; undefined if the tag has none. */
function attributeOf(text: string, tagStart: number, name: string): { value: string; start: number; end: number } | undefined {
  const attribute = /\s*([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?|\s*(\/?>)/y;
  attribute.lastIndex = text.indexOf(' ', tagStart);
  if (attribute.lastIndex < 0) return undefined;
  for (let m; (m = attribute.exec(text)) && !m[5]; ) {
    if (m[1].toLowerCase() !== name) continue;
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    const end = attribute.lastIndex - (m[4] === undefined && (m[2] !== undefined || m[3] !== undefined) ? 1 : 0);
    return { value, start: end - value.length, end };
  }
  return undefined;
}

/** Text as a page shows it in its markup (`&`, `<`, `>` escaped). */
function escapeHtmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** At most this many keywords a paper, each at most this long: they are evidence, and untrusted. */
const MAX_KEYWORDS = 20, MAX_KEYWORD_LENGTH = 80;

/** A Daily Papers entry's `ai_keywords`: strings only, trimmed, short; undefined when there are none. */
function keywordsOf(raw: unknown): string[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const words = raw.filter((k): k is string => typeof k === 'string').map((k) => foldSpace(k)).filter((k) => k && k.length <= MAX_KEYWORD_LENGTH).slice(0, MAX_KEYWORDS);
  return words.length ? words : undefined;
}
