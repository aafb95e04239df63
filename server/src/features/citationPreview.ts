import type { Library, Paper } from '../model/library';
import type { PreviewCitation } from '../shared/protocol';
import { MAX_KEY } from '../parse/citations';
import { plainLine } from '../util/untrusted';
import { nameParts } from './exportBibliography';

/** The most keys one request looks up (a preview asks for what its document cites, once per key). */
export const MAX_PREVIEW_KEYS = 2000;
/** Authors a reference lists before "et al." (Chicago's rule: more than ten, the first seven). */
const LISTED_AUTHORS = 10;
const LISTED_WHEN_MORE = 7;

/**
 * What a markdown preview shows for each key, in the order asked (null: no paper has it): the names
 * and year an author-date citation prints, and the paper's line in the reference list, in the shape
 * pandoc's default style (Chicago author-date) gives them, and in APA's (`apa`) for a draft of that
 * style. Plain text: the preview escapes it.
 */
export function previewCitations(library: Library, keys: readonly unknown[]): (PreviewCitation | null)[] {
  return keys.slice(0, MAX_PREVIEW_KEYS).map((key) => {
    const paper = typeof key === 'string' && key.length <= MAX_KEY ? library.get(key) : undefined;
    return paper ? previewCitation(key as string, paper) : null;
  });
}

export function previewCitation(key: string, paper: Paper): PreviewCitation {
  const year = yearOf(paper);
  const title = plainLine(paper.title, 300);
  const apa = { names: citedNames(paper, '&'), reference: apaReferenceLine(paper, year, title) };
  return { key, paperKey: paper.key, names: citedNames(paper), year, title, reference: referenceLine(paper, year, title), url: referenceUrl(paper), apa };
}

/** "Wang", "Wang and Li" (APA in parentheses: "Wang & Li"), "Wang et al.", an organisation's name; the title in quotes for a paper without authors. */
export function citedNames(paper: Paper, and = 'and'): string {
  const family = paper.authors.slice(0, 3).map((a) => familyOf(a, paper.organizations));
  if (family.length === 0) return `“${plainLine(paper.title, 40)}”`;
  if (family.length === 1) return family[0];
  if (paper.authors.length === 2) return `${family[0]} ${and} ${family[1]}`;
  return `${family[0]} et al.`;
}

function familyOf(name: string, organizations?: readonly string[]): string {
  const parts = nameParts(name, organizations);
  const family = 'literal' in parts ? parts.literal : familyName(parts);
  return plainLine(String(family ?? name), 60);
}

function yearOf(paper: Paper): string {
  const issued = paper.issued && /^\d{4}/.exec(paper.issued)?.[0];
  return issued ?? (paper.year ? String(paper.year) : 'n.d.');
}

/** "Wang, Yuxin, Xin Li, and Wei Chen. 2024. “Title.” Container 3 (2): 1–9. arXiv:2409.01234." */
function referenceLine(paper: Paper, year: string, title: string): string {
  const names = paper.authors.length > LISTED_AUTHORS ? paper.authors.slice(0, LISTED_WHEN_MORE) : paper.authors;
  const shown = names.map((a, i) => (i === 0 ? invertedName(a, paper.organizations) : plainLine(a, 80)));
  const more = paper.authors.length > names.length;
  const authors = shown.length === 0 ? '' : more ? `${shown.join(', ')}, et al.` : shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')}, and ${shown[shown.length - 1]}`;
  const parts = [authors ? `${withStop(authors)} ${withStop(year)}` : `“${withStop(title)}” ${withStop(year)}`];
  if (authors) parts.push(`“${withStop(title)}”`);
  const container = paper.container ? plainLine(paper.container, 200) : '';
  const volume = paper.volume ? ` ${plainLine(paper.volume, 20)}${paper.issue ? ` (${plainLine(paper.issue, 20)})` : ''}` : '';
  const pages = paper.pages ? `${container || volume ? ': ' : ''}${pageRange(paper.pages)}` : '';
  if (container || volume || pages) parts.push(withStop(`${container}${volume}${pages}`.trim()));
  return [...parts, ...publisherAndArxiv(paper)].join(' ');
}

/** "1–9" for "1--9", "1 - 9". */
const pageRange = (pages: string): string => plainLine(pages, 40).replace(/(\w)\s*-{1,3}\s*(?=\w)/g, '$1–');

/** What ends a reference line in either style: a book's publisher (no container), the arXiv id. */
function publisherAndArxiv(paper: Paper): string[] {
  const parts: string[] = [];
  if (paper.publisher && !paper.container) parts.push(withStop(plainLine(paper.publisher, 100)));
  if (paper.arxiv) parts.push(`arXiv:${plainLine(paper.arxiv, 40)}.`);
  return parts;
}

/** APA's listed authors: up to 20; of more, the first 19, an ellipsis and the last. */
const APA_LISTED = 20;

/** "Wang, F., Jiang, J., & Park, C. (2024). Title. Container, 3(2), 1–9. arXiv:2409.01234." (APA 7, plain text.) */
function apaReferenceLine(paper: Paper, year: string, title: string): string {
  const all = paper.authors;
  const name = (a: string) => invertedName(a, paper.organizations, true);
  const shown = (all.length > APA_LISTED ? all.slice(0, APA_LISTED - 1) : all).map(name);
  const authors = shown.length === 0 ? ''
    : all.length > APA_LISTED ? `${shown.join(', ')}, … ${name(all[all.length - 1])}`
    : shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')}, & ${shown[shown.length - 1]}`;
  // Without authors, the title takes their place.
  const parts = authors ? [`${withStop(authors)} (${year}).`, withStop(title)] : [`${withStop(title)} (${year}).`];
  const container = paper.container ? plainLine(paper.container, 200) : '';
  const volume = paper.volume ? `${plainLine(paper.volume, 20)}${paper.issue ? `(${plainLine(paper.issue, 20)})` : ''}` : '';
  const where = [container, volume, paper.pages ? pageRange(paper.pages) : ''].filter(Boolean).join(', ');
  if (where) parts.push(withStop(where));
  return [...parts, ...publisherAndArxiv(paper)].join(' ');
}

/**
 * "Family, Given" for a reference list's name (an organisation as it is); APA's "Family, G. G."
 * with `initials`.
 */
function invertedName(name: string, organizations?: readonly string[], initials = false): string {
  const parts = nameParts(name, organizations);
  if ('literal' in parts || !parts.given) return familyOf(name, organizations);
  const given = initials ? initialsOf(parts.given) : parts.given;
  return plainLine(`${familyName(parts)}${given ? `, ${given}` : ''}${parts.suffix ? `, ${parts.suffix}` : ''}`, 80);
}

/** "Y.-X. J." for "Yu-Xin Jean": each given name's initial, a hyphenated one's each. */
const initialsOf = (given: string): string => given.split(/\s+/).filter(Boolean)
  .map((name) => name.split('-').map((g) => { const letter = /\p{L}/u.exec(g)?.[0]; return letter ? `${letter.toUpperCase()}.` : ''; }).filter(Boolean).join('-'))
  .filter(Boolean).join(' ');

/** A person's family name with its particle ("van der Berg"). */
const familyName = (parts: ReturnType<typeof nameParts>): string => [parts['non-dropping-particle'], parts.family].filter(Boolean).join(' ');

/** The text with a full stop, unless it ends in one (or in ? or !). */
const withStop = (text: string): string => (/[.?!…]$/.test(text) ? text : `${text}.`);

/** Where the reference links: its DOI, its URL, or its arXiv page; only plain http(s) addresses. */
function referenceUrl(paper: Paper): string | undefined {
  const url = paper.doi ? `https://doi.org/${paper.doi}` : paper.url ?? (paper.arxiv ? `https://arxiv.org/abs/${paper.arxiv}` : undefined);
  return url && url.length <= 2000 && /^https?:\/\/[^\s<>"'`\\]+$/i.test(url) ? url : undefined;
}
