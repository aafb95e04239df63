import type { PaperSource, ParsedSource, SourceProblem } from './types';
import { stringSpans } from './jsonSpans';
import { cleanUrl, findUrls, foldSpace, LineIndex, lineRange, parseArxivId, range } from '../util/text';

export type DigestFormat = 'text' | 'markdown' | 'json';

export function digestFormat(path: string): DigestFormat {
  if (/\.json$/i.test(path)) return 'json';
  if (/\.(md|markdown)$/i.test(path)) return 'markdown';
  return 'text';
}

/** `parsed`: a JSON digest's data, when the caller has parsed it already. */
export function parseDigest(uri: string, text: string, format: DigestFormat, relativePath = uri, parsed?: { data: unknown }): ParsedSource {
  switch (format) {
    case 'json': return parseJsonDigest(uri, text, relativePath, parsed);
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
    // Point at the title's string in the file (inside its quotes), so definition lands on it.
    const span = titleSpans.get(`${entryPath(n)}${p === e ? '' : '/paper'}/title`) ?? titleSpans.get(`${entryPath(n)}/title`);
    const pos = span ? index.positionAt(span[0] + 1) : { line: 0, character: 0 };
    const paper = digestPaper(uri, title, pos.line, summary, date, papers.length, {
      authors,
      arxiv: parseArxivId(typeof p.id === 'string' ? p.id : undefined),
      year: Number((issued ?? featured)?.slice(0, 4)) || undefined,
      issued,
      url: page,
      keywords: keywordsOf(p.ai_keywords ?? e.ai_keywords),
    });
    if (repo && !paper.codeUrls.includes(repo)) paper.codeUrls = [repo, ...paper.codeUrls];
    paper.titleRange = range(pos.line, pos.character, pos.line, pos.character + (span ? span[1] - span[0] - 2 : 0));
    papers.push(paper);
  });
  return { papers, problems, log };
}

/** At most this many keywords a paper, each at most this long: they are evidence, and untrusted. */
const MAX_KEYWORDS = 20, MAX_KEYWORD_LENGTH = 80;

/** A Daily Papers entry's `ai_keywords`: strings only, trimmed, short; undefined when there are none. */
function keywordsOf(raw: unknown): string[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const words = raw.filter((k): k is string => typeof k === 'string').map((k) => foldSpace(k)).filter((k) => k && k.length <= MAX_KEYWORD_LENGTH).slice(0, MAX_KEYWORDS);
  return words.length ? words : undefined;
}
