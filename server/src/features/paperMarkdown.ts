import type { Paper } from '../library/library';
import { escapeMarkdown, isCodeUrl } from '../util/text';

/** Shared rendering of a paper for hovers and completion docs; every untrusted string is escaped. */

export function bylineMarkdown(paper: Paper): string {
  const parts: string[] = [];
  if (paper.authors.length) {
    const shown = paper.authors.slice(0, 8).join(', ') + (paper.authors.length > 8 ? ` et al. (${paper.authors.length} authors)` : '');
    parts.push(escapeMarkdown(shown));
  }
  if (paper.year) parts.push(String(paper.year));
  if (paper.digestDate) parts.push(`digest ${escapeMarkdown(paper.digestDate)}`);
  return parts.join(' · ');
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max);
  return text.slice(0, cut > max * 0.6 ? cut : max) + '…';
}

/** Links built only from validated values: arXiv ids match a strict pattern, URLs are plain http(s). */
export function linksMarkdown(paper: Paper): string {
  const links: string[] = [];
  if (paper.arxiv) links.push(`[arXiv:${escapeMarkdown(paper.arxiv)}](https://arxiv.org/abs/${paper.arxiv})`);
  if (paper.doi) links.push(`[doi:${escapeMarkdown(paper.doi)}](https://doi.org/${encodeURI(paper.doi).replace(/[()]/g, encodeURIComponent)})`);
  for (const url of paper.codeUrls.slice(0, 3)) links.push(`[${isCodeUrl(url) ? 'code' : 'data'}](${safeHref(url)})`);
  if (paper.url && !paper.codeUrls.includes(paper.url)) links.push(`[link](${safeHref(paper.url)})`);
  return links.join(' · ');
}

function safeHref(url: string): string {
  return encodeURI(decodeURISafe(url)).replace(/[()<> ]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function decodeURISafe(url: string): string {
  try { return decodeURI(url); } catch { return url; }
}
