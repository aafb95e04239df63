import type { Library, Paper } from '../model/library';
import { citationAt, DocumentFlavor } from '../parse/citations';
import { containsPosition, Position, Range } from '../util/text';

export interface KeyAt {
  key: string;
  range: Range;
  /** The paper the key resolves to, if known. */
  paper?: Paper;
  /** True when the cursor is on a note's own key in its front matter, not on a citation. */
  declaration: boolean;
}

/** The citation key under the cursor: a citation in the text, or a note's key in its front matter. */
export function keyAt(library: Library, uri: string, lineText: string, pos: Position, flavor: DocumentFlavor): KeyAt | undefined {
  for (const source of library.file(uri)?.sources ?? []) {
    if (source.kind === 'note' && source.keyRange && containsPosition(source.keyRange, pos)) {
      return { key: source.key!, range: source.keyRange, paper: library.get(source.key!), declaration: true };
    }
  }
  const c = citationAt(lineText, pos.line, pos.character, flavor);
  if (!c) return undefined;
  return { key: c.key, range: c.range, paper: c.syntax === 'wikilink' ? library.linked(c.key) : library.get(c.key), declaration: false };
}
