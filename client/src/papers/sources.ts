import type { NewPaper } from '../../../server/src/shared/protocol';
import type { PaperRef } from './recognize';
import { getText, GetOptions, NetworkError } from './http';
import { parseDigest } from '../../../server/src/parse/digest';
import { decodeEntities } from '../../../server/src/shared/rules';

/** Where papers are looked up: settings, so that a mirror, a proxy or a test server can stand in. */
export interface PaperSites { arxiv: string; crossref: string; dailyPapers: string }

/** Looks up one paper's metadata. Every answer is untrusted text: parsed defensively, capped. */
export async function lookUpPaper(ref: PaperRef, sites: PaperSites, options?: GetOptions): Promise<NewPaper> {
  if (ref.kind === 'arxiv') {
    const [paper] = parseArxivAtom(await getText(`${trim(sites.arxiv)}/api/query?id_list=${encodeURIComponent(ref.id)}`, { accept: 'application/atom+xml', ...options }));
    if (!paper) throw new NetworkError(`arXiv has no paper ${ref.id}.`);
    return paper;
  }
  if (ref.kind === 'doi') {
    return parseCrossref(parseJson(await getText(`${trim(sites.crossref)}/works/${encodeURIComponent(ref.doi)}`, { accept: 'application/json', ...options }), 'Crossref'), ref.doi);
  }
  return parseDailyPaper(parseJson(await getText(`${trim(sites.dailyPapers)}/api/papers/${encodeURIComponent(ref.id)}`, { accept: 'application/json', ...options }), 'Daily Papers'), ref.id);
}

/** One day of Daily Papers, as the site serves it (written to disk as it is), and how many papers it lists. */
export async function fetchDailyPapers(date: string, sites: PaperSites, options?: GetOptions): Promise<{ text: string; count: number }> {
  const text = await getText(`${trim(sites.dailyPapers)}/api/daily_papers?date=${date}`, { accept: 'application/json', ...options });
  const data = parseJson(text, 'Daily Papers');
  if (!Array.isArray(data) || !data.every((e) => e && typeof e === 'object' && typeof (e as { paper?: { title?: unknown } }).paper?.title === 'string')) {
    throw new NetworkError(`Daily Papers for ${date} is not a list of papers; nothing was written.`);
  }
  return { text, count: data.length };
}

/** An arXiv category as its listings name it: `cs.CL`, `stat.ML`, `hep-th`, `math.AG`. */
export const ARXIV_CATEGORY = /^[a-z][a-z-]{1,15}(\.[A-Za-z][A-Za-z-]{0,7})?$/;

/**
 * An arXiv category's listing of new submissions, as the site serves the page (written to disk as
 * it is: litnotes reads a saved listing as a digest), how many papers litnotes reads in it, and the
 * listing's date. A page with none is refused.
 */
export async function fetchArxivListing(category: string, sites: PaperSites, options?: GetOptions): Promise<{ text: string; count: number; date?: string }> {
  if (!ARXIV_CATEGORY.test(category)) throw new NetworkError(`"${category.slice(0, 40)}" is not an arXiv category (cs.CL, stat.ML, hep-th, …).`);
  const text = await getText(`${trim(sites.arxiv)}/list/${category}/new`, { accept: 'text/html', ...options });
  const { papers } = parseDigest('file:///listing.html', text, 'html');
  if (!papers.length) throw new NetworkError(`arXiv's ${category} listing has no papers litnotes can read; nothing was written.`);
  return { text, count: papers.length, date: papers[0].digestDate };
}

/** Categories as typed: separated by commas or spaces, each once, twenty at most. */
export function splitCategories(typed: string): string[] {
  return [...new Set(typed.split(/[\s,;]+/).map((c) => c.trim()).filter(Boolean))].slice(0, 20);
}

const trim = (base: string) => base.replace(/\/+$/, '');

function parseJson(text: string, site: string): unknown {
  try { return JSON.parse(text); } catch { throw new NetworkError(`${site} answered with something that is not JSON; nothing was used.`); }
}

const MAX_FIELD = 20_000;
const clean = (s: unknown): string => (typeof s === 'string' ? s.replace(/\s+/g, ' ').trim().slice(0, MAX_FIELD) : '');
const yearOf = (date: string | undefined) => (date && /^\d{4}/.test(date) ? Number(date.slice(0, 4)) : undefined);

/** The entries of an arXiv API answer (Atom). An id arXiv does not know comes back as an entry titled "Error". */
export function parseArxivAtom(xml: string): NewPaper[] {
  const out: NewPaper[] = [];
  for (const [, entry] of xml.slice(0, 5_000_000).matchAll(/<entry>([\s\S]*?)<\/entry>/g)) {
    const field = (name: string) => decodeXml(new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(entry)?.[1] ?? '');
    const idUrl = field('id');
    const title = clean(field('title'));
    const id = /arxiv\.org\/abs\/(.+?)(v\d+)?$/.exec(idUrl.trim())?.[1];
    if (!id || !title || title === 'Error') continue;
    const published = clean(field('published')).slice(0, 10) || undefined;
    const authors = [...entry.matchAll(/<author>\s*<name>([\s\S]*?)<\/name>/g)].map((m) => clean(decodeXml(m[1]))).filter(Boolean).slice(0, 500);
    const categories = [...new Set([...entry.matchAll(/<category[^>]*\sterm="([^"]{1,40})"/g)].map((m) => decodeXml(m[1])))].slice(0, 20);
    const doi = clean(field('arxiv:doi')) || undefined;
    const container = clean(field('arxiv:journal_ref')) || undefined;
    out.push({ title, authors, published, year: yearOf(published), abstract: clean(field('summary')) || undefined, arxiv: id, doi, url: `https://arxiv.org/abs/${id}`, categories, container });
  }
  return out;
}

function decodeXml(s: string): string {
  return decodeEntities(s.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1'));
}

/** A Crossref `/works/DOI` answer. Its abstract is JATS XML: tags are dropped. */
export function parseCrossref(data: unknown, doi: string): NewPaper {
  const m = (data as { message?: Record<string, unknown> })?.message;
  const title = clean(Array.isArray(m?.title) ? m!.title[0] : m?.title);
  if (!m || !title) throw new NetworkError(`Crossref has no title for ${doi}; nothing was used.`);
  const parts = (m.issued as { 'date-parts'?: unknown[][] } | undefined)?.['date-parts']?.[0];
  const year = typeof parts?.[0] === 'number' ? parts[0] : undefined;
  const published = year ? [year, ...(parts!.slice(1, 3) as number[])].map((x, i) => (i ? String(x).padStart(2, '0') : String(x))).join('-') : undefined;
  const authors = (Array.isArray(m.author) ? m.author : []).slice(0, 500).map((a: { given?: unknown; family?: unknown; name?: unknown }) => clean([a.given, a.family].filter((x) => typeof x === 'string').join(' ') || a.name)).filter(Boolean);
  const abstract = clean(typeof m.abstract === 'string' ? decodeXml(m.abstract.replace(/<[^>]{0,200}>/g, ' ')).replace(/^\s*abstract\s+/i, '') : '') || undefined;
  const container = clean(Array.isArray(m['container-title']) ? m['container-title'][0] : '') || undefined;
  return { title, authors, year, published, abstract, doi: clean(m.DOI) || doi, url: clean(m.URL) || `https://doi.org/${doi}`, container };
}

/** A Daily Papers `/api/papers/ID` answer. */
export function parseDailyPaper(data: unknown, id: string): NewPaper {
  const p = data as Record<string, unknown> | undefined;
  const title = clean(p?.title);
  if (!p || !title) throw new NetworkError(`Daily Papers has no paper ${id}.`);
  const published = clean(p.publishedAt).slice(0, 10) || undefined;
  const authors = (Array.isArray(p.authors) ? p.authors : []).slice(0, 500).map((a: { name?: unknown }) => clean(a?.name)).filter(Boolean);
  const codeUrls = [p.githubRepo, p.projectPage].map(clean).filter((u) => /^https?:\/\//.test(u));
  const categories = (Array.isArray(p.ai_keywords) ? p.ai_keywords : []).map(clean).filter(Boolean).slice(0, 10);
  return { title, authors, published, year: yearOf(published), abstract: clean(p.summary) || undefined, arxiv: clean(p.id) || id, url: `https://arxiv.org/abs/${clean(p.id) || id}`, codeUrls, categories };
}
