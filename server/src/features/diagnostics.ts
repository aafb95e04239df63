import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Library } from '../library/library';
import type { Citation } from '../citations/find';
import type { SourceProblem } from '../sources/types';
import { suggestKeys } from '../library/match';

export const SOURCE = 'litnotes';
export const UNKNOWN_KEY = 'unknown-key';

export interface UnknownKeyData { key: string; suggestions: string[] }

/**
 * Diagnostics for one document: unknown keys among its citations (wikilinks are exempt: they may
 * link any note), plus the problems its own parse found and key clashes it takes part in.
 */
export function documentDiagnostics(library: Library, uri: string, citations: readonly Citation[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const suggestionCache = new Map<string, string[]>();
  for (const c of citations) {
    if (c.syntax === 'wikilink' || library.get(c.key)) continue;
    let suggestions = suggestionCache.get(c.key);
    if (!suggestions) suggestionCache.set(c.key, (suggestions = suggestKeys(library, c.key)));
    const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
    out.push({
      range: c.range,
      severity: DiagnosticSeverity.Warning,
      source: SOURCE,
      code: UNKNOWN_KEY,
      message: `Unknown citation key "${c.key}".${hint}`,
      data: { key: c.key, suggestions } satisfies UnknownKeyData,
    });
  }
  const file = library.file(uri);
  for (const p of [...(file?.problems ?? []), ...library.mergeProblems(uri)]) out.push(problemDiagnostic(p));
  return out;
}

export function problemDiagnostic(p: SourceProblem): Diagnostic {
  const severity = p.severity === 'error' ? DiagnosticSeverity.Error : p.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
  return { range: p.range, severity, source: SOURCE, code: p.code, message: p.message };
}
