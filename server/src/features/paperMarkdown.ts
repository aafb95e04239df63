import type { Paper } from '../model/library';
import { isCodeUrl } from '../shared/rules';
import { markdownText, SHOWN } from '../util/untrusted';

/** Shared rendering of a paper for hovers and completion docs; every string from a file goes through markdownText. */

export function bylineMarkdown(paper: Paper): string {
  const parts: string[] = [];
  if (paper.authors.length) {
    const shown = paper.authors.slice(0, 8).join(', ') + (paper.authors.length > 8 ? ` et al. (${paper.authors.length} authors)` : '');
    parts.push(markdownText(shown, SHOWN.authors));
  }
  if (paper.year) parts.push(String(paper.year));
  if (paper.digestDate) parts.push(`digest ${markdownText(paper.digestDate, SHOWN.label)}`);
  return parts.join(' · ');
}

/** Links built only from validated values: arXiv ids match a strict pattern, URLs are plain http(s). */
export function linksMarkdown(paper: Paper): string {
  const links: string[] = [];
  if (paper.arxiv) links.push(`[arXiv:${markdownText(paper.arxiv, SHOWN.label)}](https://arxiv.org/abs/${safeHref(paper.arxiv)})`);
  if (paper.doi) links.push(`[doi:${markdownText(paper.doi, SHOWN.label)}](https://doi.org/${safeHref(paper.doi)})`);
  for (const url of paper.codeUrls.slice(0, 3)) links.push(`[${isCodeUrl(url) ? 'code' : 'data'}](${safeHref(url)})`);
  if (paper.url && !paper.codeUrls.includes(paper.url)) links.push(`[link](${safeHref(paper.url)})`);
  return links.join(' · ');
}

/** A link target that cannot end the link early or break out of it; very long ones are not shown at all. */
function safeHref(url: string): string {
  if (url.length > 2000) return '';
  return encodeURI(decodeURISafe(url)).replace(/[()<> ]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function decodeURISafe(url: string): string {
  try { return decodeURI(url); } catch { return url; }
}
