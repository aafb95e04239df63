import * as yaml from 'js-yaml';
import type { Library, Paper } from '../model/library';
import type { Citation } from '../parse/citations';
import { MARKER_COMMENT, MARKER_FIELD } from '../parse/exportMarker';

/**
 * A bibliography of the papers a draft cites (or of the whole library), for pandoc (CSL JSON, CSL
 * YAML) or LaTeX (BibTeX, BibLaTeX). Each cited key becomes one entry under that very key, so a
 * draft citing an alias (`[@kasa]`) resolves; a paper known only from a digest still gives a
 * complete entry with what the digest says (title, abstract, arXiv link, date).
 */

export type ExportFormat = 'csl-json' | 'csl-yaml' | 'bibtex' | 'biblatex';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csl-json', 'csl-yaml', 'bibtex', 'biblatex'];

export interface ExportResult {
  text: string;
  /** Entries written. */
  count: number;
  /** Cited keys no paper has (left out). */
  unresolved: string[];
}

/** The keys a document cites, in the order first cited, each once (wikilinks are links, not citations). */
export function citedKeys(citations: readonly Citation[]): string[] {
  return [...new Set(citations.filter((c) => c.syntax !== 'wikilink').map((c) => c.key))];
}

export function exportBibliography(library: Library, keys: readonly string[] | 'library', format: ExportFormat): ExportResult {
  const { pieces, count, unresolved } = exportPieces(library, keys, format);
  let text = '';
  for (const piece of pieces) text += piece;
  return { text, count, unresolved };
}

/**
 * The same bibliography as pieces of text, made one paper at a time as they are asked for (a
 * header, a piece per entry, a footer; their concatenation is exportBibliography's text): so a
 * whole large library's can be written to a file a slice at a time, never held at once.
 */
export function exportPieces(library: Library, keys: readonly string[] | 'library', format: ExportFormat): { pieces: Iterable<string>; count: number; unresolved: string[] } {
  const pairs: [string, Paper][] = [];
  const unresolved: string[] = [];
  if (keys === 'library') for (const p of library.papers()) pairs.push([p.key, p]);
  else for (const key of keys) {
    const paper = library.get(key);
    if (paper) pairs.push([key, paper]); else unresolved.push(key);
  }
  return { pieces: piecesOf(library, pairs, format), count: pairs.length, unresolved };
}

function* piecesOf(library: Library, pairs: readonly [string, Paper][], format: ExportFormat): Generator<string> {
  const item = (i: number) => cslItem(pairs[i][0], pairs[i][1], library.text(pairs[i][1].abstract));
  if (format === 'csl-json') {
    // As JSON.stringify(items, null, 2) writes the list: each item indented by two spaces.
    if (!pairs.length) { yield '[]\n'; return; }
    for (let i = 0; i < pairs.length; i++) {
      yield `${i ? ',\n' : '[\n'}${JSON.stringify({ [MARKER_FIELD]: true, ...item(i) }, null, 2).replace(/^/gm, '  ')}`;
    }
    yield '\n]\n';
  } else if (format === 'csl-yaml') {
    yield `# ${MARKER_COMMENT}\n---\n`;
    // Each item dumped as the one entry of `references` (no anchors are shared), its header line cut.
    if (!pairs.length) yield yaml.safeDump({ references: [] }, YAML_OPTIONS);
    for (let i = 0; i < pairs.length; i++) {
      const dumped = yaml.safeDump({ references: [item(i)] }, YAML_OPTIONS);
      yield i ? dumped.slice(dumped.indexOf('\n') + 1) : dumped;
    }
    yield '...\n';
  } else {
    yield `% ${MARKER_COMMENT}\n\n`;
    for (let i = 0; i < pairs.length; i++) yield `${i ? '\n' : ''}${bibtexEntry(pairs[i][0], pairs[i][1], item(i), format)}`;
  }
}

const YAML_OPTIONS = { lineWidth: -1, noRefs: true, skipInvalid: true };

/**
 * One paper's entry alone, to paste into a bibliography kept elsewhere (Overleaf's `.bib`, a
 * pandoc `references:` list): as an export writes it, under the key asked for, but without the
 * mark an export carries (pasted into a file, it would make litnotes take that file for its own).
 */
export function referenceEntry(library: Library, key: string, format: ExportFormat): string | undefined {
  const paper = library.get(key);
  if (!paper) return undefined;
  const item = cslItem(key, paper, library.text(paper.abstract));
  if (format === 'csl-json') return JSON.stringify(item, null, 2) + '\n';
  if (format === 'csl-yaml') return yaml.safeDump([item], YAML_OPTIONS);
  return bibtexEntry(key, paper, item, format);
}

// ---- CSL ----------------------------------------------------------------------------------------

interface CslName { family?: string; given?: string; 'non-dropping-particle'?: string; suffix?: string; literal?: string }
type Csl = Record<string, unknown> & { id: string; type: string; title: string };

const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'dos', 'du', 'la', 'le', 'ter', 'ten', 'zu', 'af', 'bin', 'al']);
const SUFFIXES = /^(jr\.?|sr\.?|ii|iii|iv)$/i;

/** A display name ("Given von Family", or an organisation) as CSL's family / given parts. */
export function nameParts(name: string, organizations: readonly string[] = []): CslName {
  if (organizations.includes(name)) return { literal: name };
  const words = name.trim().split(/\s+/);
  if (words.length === 1) return { family: words[0] };
  const suffix = words.length > 2 && SUFFIXES.test(words[words.length - 1].replace(/,$/, '')) ? words.pop() : undefined;
  const family = words.pop()!;
  let p = words.length;
  while (p > 0 && PARTICLES.has(words[p - 1])) p--;
  const out: CslName = { family, given: words.slice(0, p).join(' ') || undefined };
  if (p < words.length) out['non-dropping-particle'] = words.slice(p).join(' ');
  if (suffix) out.suffix = suffix;
  return out;
}

function dateParts(paper: Paper): number[] | undefined {
  const iso = paper.issued ?? (paper.year ? String(paper.year) : undefined);
  const m = iso && /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(iso);
  return m ? [m[1], m[2], m[3]].filter((x) => x !== undefined).map(Number) : undefined;
}

function cslItem(key: string, paper: Paper, abstract: string | undefined): Csl {
  const item: Csl = { id: key, type: paper.type ?? (paper.container ? 'article-journal' : 'article'), title: paper.title };
  if (paper.authors.length) item.author = paper.authors.map((a) => nameParts(a, paper.organizations));
  const date = dateParts(paper);
  if (date) item.issued = { 'date-parts': [date] };
  if (paper.container) item['container-title'] = paper.container;
  if (paper.volume) item.volume = paper.volume;
  if (paper.issue) item.issue = paper.issue;
  if (paper.pages) item.page = paper.pages;
  if (paper.publisher) item.publisher = paper.publisher;
  if (paper.doi) item.DOI = paper.doi;
  if (paper.arxiv) {
    // As Zotero and Better BibTeX write a preprint, and pandoc prints it: "arXiv:2109.07958".
    item.number ??= `arXiv:${paper.arxiv}`;
    if (!paper.container && !paper.publisher) item.publisher = 'arXiv';
  }
  const url = paper.url ?? (paper.arxiv ? `https://arxiv.org/abs/${paper.arxiv}` : undefined);
  if (url) item.URL = url;
  if (abstract) item.abstract = abstract;
  return item;
}

// ---- BibTeX / BibLaTeX ----------------------------------------------------------------------------

const BIBTEX_TYPES: Record<string, string> = {
  'article-journal': 'article', 'article-magazine': 'article', 'article-newspaper': 'article', 'paper-conference': 'inproceedings',
  book: 'book', chapter: 'incollection', report: 'techreport', thesis: 'phdthesis', webpage: 'misc', article: 'misc',
};
const BIBLATEX_TYPES: Record<string, string> = {
  'article-journal': 'article', 'article-magazine': 'article', 'article-newspaper': 'article', 'paper-conference': 'inproceedings',
  book: 'book', chapter: 'incollection', report: 'report', thesis: 'thesis', webpage: 'online', article: 'online',
};

/** Text as a BibTeX value: TeX's special characters escaped; other characters (UTF-8) kept for biber and modern BibTeX. */
export function bibtexText(text: string): string {
  return text.replace(/[\\{}%&#_$~^]/g, (c) => ({ '\\': '\\textbackslash{}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}' })[c] ?? `\\${c}`);
}

/** A title with every word that holds a capital braced, so that styles which lower-case titles keep it. */
export function bibtexTitle(title: string): string {
  return title.split(/(\s+)/).map((w) => (/\p{Lu}/u.test(w) ? `{${bibtexText(w)}}` : bibtexText(w))).join('');
}

/** A URL, DOI or identifier: written as is, except braces and spaces, which cannot stand in a value. */
function verbatim(text: string): string {
  return text.replace(/[{}\s\\]/g, (c) => encodeURIComponent(c));
}

function bibtexName(n: CslName): string {
  if (n.literal) return `{${bibtexText(n.literal)}}`;
  const family = [n['non-dropping-particle'], n.family].filter(Boolean).join(' ');
  return [family, n.suffix, n.given].filter(Boolean).map((p) => bibtexText(p!)).join(', ');
}

function bibtexEntry(key: string, paper: Paper, item: Csl, format: 'bibtex' | 'biblatex' | ExportFormat): string {
  const latex = format === 'biblatex';
  const type = (latex ? BIBLATEX_TYPES : BIBTEX_TYPES)[item.type] ?? 'misc';
  const fields: [string, string][] = [['title', `{${bibtexTitle(paper.title)}}`]];
  const names = item.author as CslName[] | undefined;
  if (names?.length) fields.push(['author', `{${names.map(bibtexName).join(' and ')}}`]);
  const date = dateParts(paper);
  if (date && latex) fields.push(['date', `{${date.map((d, i) => (i ? String(d).padStart(2, '0') : String(d))).join('-')}}`]);
  else if (date) {
    fields.push(['year', `{${date[0]}}`]);
    if (date[1]) fields.push(['month', `{${date[1]}}`]);
  }
  if (paper.container) fields.push([type === 'article' ? (latex ? 'journaltitle' : 'journal') : 'booktitle', `{${bibtexText(paper.container)}}`]);
  if (paper.volume) fields.push(['volume', `{${bibtexText(paper.volume)}}`]);
  if (paper.issue) fields.push(['number', `{${bibtexText(paper.issue)}}`]);
  if (paper.pages) fields.push(['pages', `{${bibtexText(paper.pages).replace(/(\d)\s*[-–]\s*(\d)/g, '$1--$2')}}`]);
  if (paper.publisher) fields.push([type === 'techreport' || type === 'report' ? 'institution' : 'publisher', `{${bibtexText(paper.publisher)}}`]);
  if (paper.doi) fields.push(['doi', `{${verbatim(paper.doi)}}`]);
  if (paper.arxiv) {
    fields.push(['eprint', `{${verbatim(paper.arxiv)}}`]);
    fields.push(latex ? ['eprinttype', '{arxiv}'] : ['archiveprefix', '{arXiv}']);
  }
  if (typeof item.URL === 'string') fields.push(['url', `{${verbatim(item.URL)}}`]);
  if (typeof item.abstract === 'string') fields.push(['abstract', `{${bibtexText(item.abstract)}}`]);
  return `@${type}{${key},\n${fields.map(([k, v]) => `  ${k} = ${v}`).join(',\n')}\n}\n`;
}
