import { CompletionItem, CompletionItemKind, CompletionList, InsertTextFormat, MarkupKind } from 'vscode-languageserver-types';
import type { Library, Paper } from '../model/library';
import { rankPapers } from '../model/match';
import { completionContext, DocumentFlavor } from '../parse/citations';
import { capText, markdownText, SHOWN } from '../util/untrusted';
import { incrementalQuery } from '../shared/rules';
import { bylineMarkdown } from './paperMarkdown';
import { DraftBibliography, keyForDraft } from './diagnostics';

export const COMPLETION_LIMIT = 100;

/**
 * Citation-key completion. `before` is the line up to the cursor. Items carry the typed text as
 * filterText and the list is incomplete, so the editor asks again as the user types and our
 * ranking (key, title words, authors) decides what shows, not the editor's fuzzy filter.
 */
export function completeCitation(library: Library, before: string, line: number, flavor: DocumentFlavor, bibliography?: DraftBibliography): CompletionList | null {
  const ctx = completionContext(before, flavor);
  if (!ctx) return null;
  const papers = rankPapers(library, ctx.prefix, COMPLETION_LIMIT);
  return completionItems(papers, ctx, before, line, bibliography);
}

/** A full-text search the caller provides: the papers found, best first, or undefined (not in time, or none). */
export type FullTextSearch = (query: string, limit: number) => Promise<readonly Paper[] | undefined>;

/**
 * Citation-key completion that falls back to the full text when what was typed (three letters or
 * more, so that the search says something) matches no key, title word or author.
 */
export async function completeWithFullText(library: Library, before: string, line: number, flavor: DocumentFlavor, search: FullTextSearch, bibliography?: DraftBibliography): Promise<CompletionList | null> {
  const list = completeCitation(library, before, line, flavor, bibliography);
  const ctx = completionContext(before, flavor);
  if (!list || list.items.length > 0 || !ctx || ctx.prefix.length < 3 || !/^[\p{L}\p{N}]+$/u.test(ctx.prefix)) return list;
  const papers = await search(incrementalQuery(ctx.prefix), 20);
  return papers?.length ? completionItems(papers, ctx, before, line, bibliography) : list;
}

/** `bibliography`: the draft's own bibliography files, when litnotes reads them all (see keyForDraft). */
function completionItems(papers: readonly Paper[], ctx: NonNullable<ReturnType<typeof completionContext>>, before: string, line: number, bibliography?: DraftBibliography): CompletionList {
  const range = { start: { line, character: ctx.start }, end: { line, character: before.length } };
  const lackingNote = bibliography && ` (not in ${capText(bibliography.names.join(', '), SHOWN.label)}: pandoc and LaTeX would not find it)`;
  const items = papers.map((paper, i): CompletionItem => {
    const { key, lacking } = keyForDraft(paper, bibliography);
    return {
    label: key,
    kind: CompletionItemKind.Reference,
    detail: capText(paper.title, SHOWN.title) + (lacking ? lackingNote : ''),
    // Shown in the list itself: the year next to the key, the title on the right.
    labelDetails: { detail: paper.year ? ` ${paper.year}` : paper.digestDate ? ` ${capText(paper.digestDate, SHOWN.label)}` : undefined, description: capText(paper.title, 70) },
    // Documentation comes from completionItem/resolve for the item the user looks at: sending 100
    // escaped abstracts on every keystroke would make the list itself slow.
    data: { key },
    filterText: ctx.prefix,
    sortText: String(i).padStart(4, '0'),
    insertTextFormat: InsertTextFormat.PlainText,
    textEdit: { range, newText: key },
    };
  });
  // Always incomplete: filterText is the typed prefix, so the next keystroke must ask again.
  return { isIncomplete: true, items };
}

/** Fills in an item's documentation (authors, year, abstract, note summary) when the editor asks. */
export function resolveCompletion(library: Library, item: CompletionItem): CompletionItem {
  const key = (item.data as { key?: unknown } | undefined)?.key;
  const paper = typeof key === 'string' ? library.get(key) : undefined;
  if (paper) item.documentation = { kind: MarkupKind.Markdown, value: completionDoc(paper, library) };
  return item;
}

export function completionDoc(paper: Paper, library: Library): string {
  const parts = [`**${markdownText(paper.title, SHOWN.title)}**`];
  const byline = bylineMarkdown(paper);
  if (byline) parts.push(byline);
  const abstract = library.text(paper.abstract), summary = library.text(paper.summary);
  if (abstract) parts.push(markdownText(abstract, 1200));
  if (summary) parts.push(`*Note:* ${markdownText(summary, 400)}`);
  return parts.join('\n\n');
}
