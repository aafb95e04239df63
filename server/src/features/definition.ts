import type { Location } from 'vscode-languageserver-types';
import type { Library } from '../model/library';
import type { KeyAt } from './keyAt';

/** Where a key is defined: the note (at its key or title) or the digest entry's title line. */
export function definitionOf(at: KeyAt): Location | null {
  if (!at.paper) return null;
  const def = at.paper.definition;
  return { uri: def.uri, range: def.range };
}

/** Every citation of the key's paper (by its key or aliases), plus the definition when asked. */
export function referencesOf(library: Library, at: KeyAt, includeDeclaration: boolean): Location[] {
  const out: Location[] = [];
  if (at.paper) {
    if (includeDeclaration) out.push({ uri: at.paper.definition.uri, range: at.paper.definition.range });
    for (const [uri, cits] of library.citationsOf(at.paper)) for (const c of cits) out.push({ uri, range: c.range });
  } else {
    for (const [uri, cits] of library.citationsOfKey(at.key)) for (const c of cits) out.push({ uri, range: c.range });
  }
  return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character));
}
