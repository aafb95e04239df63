import type { Library, Paper } from '../model/library';
import type { NewPaper } from '../shared/protocol';
import { MAX_KEY } from '../parse/citations';
import { noteText } from './noteTemplate';

/** Field caps for a paper from the web: an answer can hold anything. */
const CAP = { title: 1000, author: 200, authors: 500, abstract: 20_000, id: 300, url: 2000, category: 80, categories: 20 };

const str = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.trim() ? v.replace(/\s+/g, ' ').trim().slice(0, max) : undefined);
const list = (v: unknown, max: number, each: number): string[] => (Array.isArray(v) ? v.map((x) => str(x, each)).filter((x): x is string => !!x).slice(0, max) : []);

/** A paper sent by the client, checked field by field (anything malformed is dropped); undefined without a title. */
export function checkNewPaper(raw: unknown): NewPaper | undefined {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const title = str(r.title, CAP.title);
  if (!title) return undefined;
  const year = typeof r.year === 'number' && Number.isInteger(r.year) && r.year > 1000 && r.year < 3000 ? r.year : undefined;
  const http = (u: string | undefined) => (u && /^https?:\/\//.test(u) ? u : undefined);
  return {
    title,
    authors: list(r.authors, CAP.authors, CAP.author),
    year,
    published: str(r.published, 10)?.match(/^\d{4}(-\d{2}){0,2}$/)?.[0],
    abstract: str(r.abstract, CAP.abstract),
    arxiv: str(r.arxiv, CAP.id),
    doi: str(r.doi, CAP.id),
    url: http(str(r.url, CAP.url)),
    codeUrls: list(r.codeUrls, 5, CAP.url).filter((u) => http(u)),
    categories: list(r.categories, CAP.categories, CAP.category),
    container: str(r.container, CAP.title),
  };
}

/** The library's paper that is this one (same arXiv id, DOI, or title), if any. */
export function paperInLibrary(library: Library, paper: NewPaper): Paper | undefined {
  const doi = paper.doi?.toLowerCase();
  return library.papers().find((p) => (paper.arxiv && p.arxiv === paper.arxiv) || (doi && p.doi?.toLowerCase() === doi))
    ?? library.withTitle(paper.title);
}

const STOP = new Set('a an the of for and or on in to with by from via is are towards toward what when how why do does can'.split(' '));

/**
 * A note key as reference managers write them (Better BibTeX's default shape, and the example
 * notes'): the first author's family name, the year and the title's first significant word, in
 * plain lower-case letters (`vaswani2017attention`); a letter is added when the key is taken.
 */
export function noteKeyFor(paper: NewPaper, taken: (key: string) => boolean): string {
  const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
  const first = paper.authors[0] ?? '';
  const family = fold(first.includes(',') ? first.split(',')[0] : first.split(/\s+/).pop() ?? '');
  const word = paper.title.split(/[^\p{L}\p{N}]+/u).map(fold).find((w) => w && !STOP.has(w)) ?? '';
  const base = (`${family}${paper.year ?? ''}${word}` || 'paper').slice(0, MAX_KEY - 2);
  if (!taken(base)) return base;
  for (const suffix of 'abcdefghijklmnopqrstuvwxyz') if (!taken(base + suffix)) return base + suffix;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

/** The note's text: everything known in its front matter, then the abstract. */
export function newPaperNoteText(paper: NewPaper, key: string): string {
  const fields: Record<string, unknown> = { citekey: key, title: paper.title };
  if (paper.authors.length) fields.authors = paper.authors;
  if (paper.year) fields.year = paper.year;
  if (paper.published) fields.date = paper.published;
  if (paper.container) fields.venue = paper.container;
  if (paper.arxiv) fields.arxiv = paper.arxiv;
  if (paper.doi) fields.doi = paper.doi;
  if (paper.url) fields.url = paper.url;
  if (paper.codeUrls?.length) fields.code = paper.codeUrls[0];
  fields.tags = paper.categories ?? [];
  if (paper.abstract) fields.abstract = paper.abstract;
  return noteText(fields, paper.title);
}
