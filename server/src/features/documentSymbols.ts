import { DocumentSymbol, SymbolKind } from 'vscode-languageserver-types';
import type { Library } from '../model/library';
import type { PaperSource } from '../parse/types';
import type { Range } from '../util/text';
import { plainLine } from '../util/untrusted';

/** The most papers a file's outline lists (a 10,000-entry bibliography's would be megabytes on every edit). */
export const MAX_SYMBOLS = 5000;
const NAME = 200;

/**
 * The outline of a digest or bibliography file (Outline view, breadcrumbs, Go to Symbol in File):
 * each paper by its title, with the key it is cited by, where its title (a digest) or key (a
 * bibliography entry) is written; a digest of several days grouped by day. Markdown digests are
 * left to the editor's own outline of their headings, and notes and drafts to theirs.
 */
export function fileSymbols(library: Library, uri: string): DocumentSymbol[] {
  const file = library.file(uri);
  if (!file || (file.kind !== 'digest' && file.kind !== 'bibliography') || /\.(md|markdown)$/i.test(uri)) return [];
  const paperSymbol = (s: PaperSource): DocumentSymbol => {
    const range = plainRange(s.keyRange ?? s.titleRange);
    const key = library.paperOfSource(uri, s.ordinal)?.key ?? s.key;
    return {
      name: plainLine(s.title, NAME) || plainLine(key ?? '', NAME) || `paper ${s.ordinal + 1}`,
      detail: key && plainLine(key, NAME),
      kind: file.kind === 'bibliography' ? SymbolKind.Key : SymbolKind.Object,
      range,
      selectionRange: range,
    };
  };
  const sources = file.sources.slice(0, MAX_SYMBOLS);
  const days = new Map<string, PaperSource[]>();
  for (const s of sources) {
    const day = s.digestDate ?? '';
    const list = days.get(day);
    if (list) list.push(s); else days.set(day, [s]);
  }
  if (file.kind !== 'digest' || days.size < 2) return sources.map(paperSymbol);
  return [...days].map(([day, papers]) => {
    const children = papers.map(paperSymbol);
    const range = { start: children[0].range.start, end: children.reduce((end, c) => (after(c.range.end, end) ? c.range.end : end), children[0].range.end) };
    return { name: plainLine(day, NAME) || 'undated', detail: `${papers.length} paper${papers.length === 1 ? '' : 's'}`, kind: SymbolKind.Namespace, range, selectionRange: children[0].selectionRange, children };
  });
}

/** A range as plain numbers (a digest's title range may be the library's compact LineRange). */
function plainRange(r: Range): Range {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

function after(a: Range['start'], b: Range['start']): boolean {
  return a.line > b.line || (a.line === b.line && a.character > b.character);
}
