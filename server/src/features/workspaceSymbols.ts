import { SymbolInformation, SymbolKind } from 'vscode-languageserver-types';
import type { SearchHit } from '../search/service';
import { capText, SHOWN } from '../util/untrusted';

/** Ctrl+T: papers whose text matches, as symbols named by key and title, located at their definition. */
export function paperSymbols(hits: SearchHit[]): SymbolInformation[] {
  return hits.map((h) => ({
    name: `${h.key} — ${capText(h.title, SHOWN.title)}`,
    kind: SymbolKind.Key,
    location: { uri: h.paper.definition.uri, range: h.paper.definition.range },
    containerName: h.snippet,
  }));
}
