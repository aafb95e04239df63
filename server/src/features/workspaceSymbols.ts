import { SymbolInformation, SymbolKind } from 'vscode-languageserver-types';
import { capText, SHOWN } from '../util/untrusted';
import type { Paper } from '../model/library';

/** Ctrl+T: papers whose text matches, as symbols named by key and title, located at their definition. */
export function paperSymbols(hits: readonly { key: string; title: string; snippet: string; paper: Paper }[]): SymbolInformation[] {
  return hits.map((h) => ({
    name: `${h.key} — ${capText(h.title, SHOWN.title)}`,
    kind: SymbolKind.Key,
    location: { uri: h.paper.definition.uri, range: h.paper.definition.range },
    containerName: h.snippet,
  }));
}
