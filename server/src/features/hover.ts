import { Hover, MarkupKind } from 'vscode-languageserver-types';
import type { Library } from '../library/library';
import { suggestKeys } from '../library/match';
import { escapeMarkdown } from '../util/text';
import { bylineMarkdown, linksMarkdown } from './paperMarkdown';
import type { KeyAt } from './keyAt';

/** Hover on a key: the paper (title, authors, abstract, links, where it is defined, how often cited), or suggestions. */
export function hoverKey(library: Library, at: KeyAt, relativePath: (uri: string) => string): Hover {
  const paper = at.paper;
  if (!paper) {
    const suggestions = suggestKeys(library, at.key);
    const lines = [`Unknown citation key \`${at.key.replace(/`/g, '')}\`: no note or digest entry has it.`];
    if (suggestions.length) lines.push(`Did you mean ${suggestions.map((s) => `\`${s.replace(/`/g, '')}\``).join(', ')}?`);
    return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') }, range: at.range };
  }
  const parts: string[] = [`**${escapeMarkdown(paper.title)}**`];
  const byline = bylineMarkdown(paper);
  if (byline) parts.push(byline);
  if (paper.abstract) parts.push(escapeMarkdown(paper.abstract));
  if (paper.summary) parts.push(`*Note:* ${escapeMarkdown(paper.summary)}`);
  const links = linksMarkdown(paper);
  if (links) parts.push(links);
  const where: string[] = [];
  if (paper.note) where.push(`note \`${escapeCode(relativePath(paper.note.uri))}\``);
  if (paper.digests.length) {
    const d = paper.digests[0];
    where.push(`digest \`${escapeCode(relativePath(d.uri))}\` line ${d.titleRange.start.line + 1}`);
  }
  const citing = library.citingDocuments(paper).length;
  const keyInfo = at.key !== paper.key ? ` · alias of \`${escapeCode(paper.key)}\`` : paper.aliases.length ? ` · also \`${paper.aliases.map(escapeCode).join('`, `')}\`` : '';
  parts.push(`${where.join(' · ')} · cited in ${citing} document${citing === 1 ? '' : 's'}${keyInfo}`);
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n') }, range: at.range };
}

function escapeCode(text: string): string {
  return text.replace(/`/g, "'");
}
