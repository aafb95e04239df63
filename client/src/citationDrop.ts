import * as vscode from 'vscode';
import { citationText } from './citationEdits';
import { citationStyleOf, isDraft } from './drafts';

/** What a paper dragged from the Topics or Cited in Draft view carries: its key, as a JSON list. */
export const KEYS_MIME = 'application/vnd.litnotes.keys';

/** At most this many papers in one drag (a multi-selection). */
const MAX_DRAGGED = 50;

/**
 * Dragging papers out of a tree: their keys (for a draft, which makes a citation of them), and as
 * plain text `@key` for anything else that takes text. `keyOf` gives a node's key, if it is a paper.
 */
export function dragKeys<T>(nodes: readonly T[], dataTransfer: vscode.DataTransfer, keyOf: (node: T) => string | undefined): void {
  const keys = nodes.map(keyOf).filter((k): k is string => !!k).slice(0, MAX_DRAGGED);
  if (!keys.length) return;
  dataTransfer.set(KEYS_MIME, new vscode.DataTransferItem(JSON.stringify(keys)));
  dataTransfer.set('text/plain', new vscode.DataTransferItem(keys.map((k) => `@${k}`).join('; ')));
}

/** Papers dropped into a draft become a citation in its syntax (Insert Citation's, for a new one). */
export class CitationDropProvider implements vscode.DocumentDropEditProvider {
  async provideDocumentDropEdits(doc: vscode.TextDocument, _position: vscode.Position, dataTransfer: vscode.DataTransfer): Promise<vscode.DocumentDropEdit | undefined> {
    const raw = await dataTransfer.get(KEYS_MIME)?.asString();
    if (!raw || !isDraft(doc)) return undefined;
    let keys: unknown;
    try { keys = JSON.parse(raw); } catch { return undefined; }
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string' && k.length > 0 && k.length <= 256 && !/[\s\]\[{}]/.test(k))) return undefined;
    const style = citationStyleOf(doc);
    return new vscode.DocumentDropEdit(citationText(keys.slice(0, MAX_DRAGGED), style.language, style.latexCommand, style.orgStyle));
  }
}
