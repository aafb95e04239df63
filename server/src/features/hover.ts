import { Hover, MarkupKind } from 'vscode-languageserver-types';
import type { Library } from '../model/library';
import { suggestKeys } from '../model/match';
import { markdownText, SHOWN } from '../util/untrusted';
import { bylineMarkdown, linksMarkdown } from './paperMarkdown';
import type { KeyAt } from './keyAt';

/** Hover on a key: the paper (title, authors, abstract, links, where it is defined, how often cited), or suggestions. */
export function hoverKey(library: Library, at: KeyAt, relativePath: (uri: string) => string): Hover {
  const paper = at.paper;
  const key = (k: string) => markdownText(k, SHOWN.key);
  if (!paper) {
    const suggestions = suggestKeys(library, at.key);
    const lines = [`Unknown citation key ${key(at.key)}: no note or digest entry has it.`];
    if (suggestions.length) lines.push(`Did you mean ${suggestions.map(key).join(', ')}?`);
    return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') }, range: at.range };
  }
  const parts: string[] = [`**${markdownText(paper.title, SHOWN.title)}**`];
  const byline = bylineMarkdown(paper);
  if (byline) parts.push(byline);
  const abstract = library.text(paper.abstract), summary = library.text(paper.summary);
  if (abstract) parts.push(markdownText(abstract, SHOWN.abstract));
  if (summary) parts.push(`*Note:* ${markdownText(summary, SHOWN.summary)}`);
  const links = linksMarkdown(paper);
  if (links) parts.push(links);
  const where: string[] = [];
  if (paper.note) where.push(`note ${markdownText(relativePath(paper.note.uri), SHOWN.path)}`);
  if (paper.entries.length) {
    const e = paper.entries[0];
    where.push(`bibliography ${markdownText(relativePath(e.uri), SHOWN.path)} line ${(e.keyRange ?? e.titleRange).start.line + 1}`);
  }
  if (paper.digests.length) {
    const d = paper.digests[0];
    where.push(`digest ${markdownText(relativePath(d.uri), SHOWN.path)} line ${d.titleRange.start.line + 1}`);
  }
  const citing = library.citingDocuments(paper).length;
  const aliases = paper.aliases.slice(0, 3).map(key).join(', ') + (paper.aliases.length > 3 ? ', …' : '');
  const keyInfo = at.key !== paper.key ? ` · alias of ${key(paper.key)}` : paper.aliases.length ? ` · also ${aliases}` : '';
  parts.push(`${where.join(' · ')} · cited in ${citing} document${citing === 1 ? '' : 's'}${keyInfo}`);
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n') }, range: at.range };
}
