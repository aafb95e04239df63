import { CodeAction, CodeActionKind, Diagnostic } from 'vscode-languageserver-types';
import type { Library, Paper } from '../library/library';
import { UNKNOWN_KEY, UnknownKeyData } from './diagnostics';
import { noteTemplate } from './noteTemplate';

/** Quick fixes for unknown keys: replace by each suggestion. */
export function replaceKeyActions(uri: string, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.code !== UNKNOWN_KEY || !d.data) continue;
    const data = d.data as UnknownKeyData;
    (data.suggestions ?? []).forEach((s, i) => {
      out.push({
        title: `Replace with "${s}"`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: i === 0,
        edit: { changes: { [uri]: [{ range: d.range, newText: s }] } },
      });
    });
  }
  return out;
}

/**
 * "Create literature note" for a paper that only a digest knows. The edit creates a new file and
 * never overwrites: `newUri` was chosen free, and the create fails rather than replace if that changed.
 */
export function createNoteAction(library: Library, paper: Paper, newUri: string): CodeAction | undefined {
  if (paper.note) return undefined;
  void library;
  return {
    title: `Create literature note for "${paper.key}"`,
    kind: CodeActionKind.RefactorRewrite,
    edit: {
      documentChanges: [
        { kind: 'create', uri: newUri, options: { overwrite: false, ignoreIfExists: false } },
        { textDocument: { uri: newUri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: noteTemplate(paper) }] },
      ],
    },
  };
}
