import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Library, Paper } from '../model/library';
import type { Citation } from '../parse/citations';
import type { SourceProblem } from '../parse/types';
import type { Range } from '../util/text';
import { suggestKeys } from '../model/match';
import { capText } from '../util/untrusted';

export const SOURCE = 'litnotes';
export const UNKNOWN_KEY = 'unknown-key';
export const SAME_PAPER = 'same-paper-keys';
export const NOT_IN_BIBLIOGRAPHY = 'not-in-bibliography';

export interface UnknownKeyData { key: string; suggestions: string[] }
/** Two keys of one paper cited in one document: the key to use for all of them. */
export interface SamePaperData { key: string; use: string }

export interface DiagnosticOptions {
  /** How an unknown key shows (`litnotes.diagnostics.unknownKey`). */
  unknownKey: 'warning' | 'information' | 'off';
  /** How a known key the draft's bibliography files lack shows (`litnotes.diagnostics.notInBibliography`). */
  notInBibliography?: 'warning' | 'information' | 'off';
}

/** A key of the library the draft's bibliography lacks; `use`: another key of its paper the bibliography has. */
export interface NotInBibliographyData { key: string; paperKey: string; use?: string }

/**
 * What a draft's bibliography files hold: their names as written, and every key in them. `namedBy`:
 * the Quarto metadata file that names them, for a draft that inherits them (undefined: the draft itself).
 */
export interface DraftBibliography { names: string[]; keys: { has(key: string): boolean }; namedBy?: string }

/**
 * The key a paper is cited by in a draft: the one the draft's own bibliography has it under (its
 * reference manager's key), else its own; `lacking` when the bibliography does not have it at all.
 */
export function keyForDraft(paper: Paper, bibliography: DraftBibliography | undefined): { key: string; lacking: boolean } {
  if (!bibliography || bibliography.keys.has(paper.key)) return { key: paper.key, lacking: false };
  const alias = paper.aliases.find((k) => bibliography.keys.has(k));
  return alias ? { key: alias, lacking: false } : { key: paper.key, lacking: true };
}

/**
 * Diagnostics for one document: unknown keys among its citations (wikilinks are exempt: they may
 * link any note), one paper cited under two keys, plus the problems its own parse found and key
 * clashes it takes part in.
 */
export function documentDiagnostics(library: Library, uri: string, citations: readonly Citation[], options: DiagnosticOptions = { unknownKey: 'warning' }): Diagnostic[] {
  const out: Diagnostic[] = [];
  const suggestionCache = new Map<string, string[]>();
  /** The keys each cited paper is cited by here, in order of first use. */
  const keysOfPaper = new Map<string, string[]>();
  for (const c of citations) {
    const paper = library.get(c.key);
    if (paper) {
      const keys = keysOfPaper.get(paper.key);
      if (!keys) keysOfPaper.set(paper.key, [c.key]); else if (!keys.includes(c.key)) keys.push(c.key);
      continue;
    }
    if (c.syntax === 'wikilink' || options.unknownKey === 'off') continue;
    let suggestions = suggestionCache.get(c.key);
    if (!suggestions) suggestionCache.set(c.key, (suggestions = suggestKeys(library, c.key)));
    const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
    out.push({
      range: c.range,
      severity: options.unknownKey === 'information' ? DiagnosticSeverity.Information : DiagnosticSeverity.Warning,
      source: SOURCE,
      code: UNKNOWN_KEY,
      message: `Unknown citation key "${c.key}".${hint}`,
      data: { key: c.key, suggestions } satisfies UnknownKeyData,
    });
  }
  // One paper under two keys prints as two references: use its own key, or else the one cited first.
  for (const [primary, keys] of keysOfPaper) {
    if (keys.length < 2) continue;
    const use = keys.includes(primary) ? primary : keys[0];
    for (const c of citations) {
      if (c.key === use || !keys.includes(c.key)) continue;
      out.push({
        range: c.range,
        severity: DiagnosticSeverity.Information,
        source: SOURCE,
        code: SAME_PAPER,
        message: `"${c.key}" and "${use}" are the same paper, cited here under both keys: a bibliography would list it twice.`,
        data: { key: c.key, use } satisfies SamePaperData,
      });
    }
  }
  const file = library.file(uri);
  for (const p of [...(file?.problems ?? []), ...library.mergeProblems(uri)]) out.push(problemDiagnostic(p));
  return out;
}

/**
 * Citations of papers the library knows but the bibliography files the draft names lack: pandoc
 * prints such a citation as "(key?)" and LaTeX as "[?]", with no reference for it. When the
 * bibliography has the paper under another of its keys (the draft cites a digest's key, the
 * reference manager's export has its own), the diagnostic names it (a quick fix cites it so).
 * Unknown keys are the unknown-key diagnostic's; wikilinks are links, not citations.
 */
export function notInBibliographyDiagnostics(library: Library, citations: readonly Citation[], bibliography: DraftBibliography, severity: 'warning' | 'information' | 'off' = 'warning'): Diagnostic[] {
  if (severity === 'off') return [];
  const out: Diagnostic[] = [];
  const names = bibliography.names.map((n) => (n.length > 100 ? `${n.slice(0, 99)}…` : n)).join(', ');
  const namer = bibliography.namedBy === undefined ? 'this draft' : capText(bibliography.namedBy, 200);
  for (const c of citations) {
    if (c.syntax === 'wikilink' || bibliography.keys.has(c.key)) continue;
    const paper = library.get(c.key);
    if (!paper) continue;
    const { key: other, lacking } = keyForDraft(paper, bibliography);
    const use = lacking ? undefined : other;
    out.push({
      range: c.range,
      severity: severity === 'information' ? DiagnosticSeverity.Information : DiagnosticSeverity.Warning,
      source: SOURCE,
      code: NOT_IN_BIBLIOGRAPHY,
      message: use
        ? `"${c.key}" is not in ${names}, which ${namer} names; its paper is, as "${use}": cite it as that, or pandoc and LaTeX will not find it.`
        : `"${c.key}" is in the library but not in ${names}, which ${namer} names: pandoc and LaTeX will not find it. Add the paper to your reference manager (Copy Reference… gives its entry), or export the draft's bibliography.`,
      data: { key: c.key, paperKey: paper.key, use } satisfies NotInBibliographyData,
    });
  }
  return out;
}

export function problemDiagnostic(p: SourceProblem): Diagnostic {
  const severity = p.severity === 'error' ? DiagnosticSeverity.Error : p.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
  return { range: p.range, severity, source: SOURCE, code: p.code, message: p.message };
}

/**
 * A bibliography file a draft names that is not in the library (`file`: its absolute path), where the draft names it, and why:
 * `missing` (no such file beside the draft), `elsewhere` (LaTeX: not beside the draft, which LaTeX
 * may still find through BIBINPUTS), `outside` (outside the workspace folders, never read).
 */
export interface UnreadBibliography { name: string; file: string; range: Range; why: 'missing' | 'elsewhere' | 'outside' }

export function unreadBibliographyDiagnostics(unread: readonly UnreadBibliography[]): Diagnostic[] {
  return unread.map(({ name, range, why }): Diagnostic => {
    const file = name.length > 200 ? `${name.slice(0, 199)}…` : name;
    if (why === 'missing') return { range, severity: DiagnosticSeverity.Warning, source: SOURCE, code: 'bibliography-not-found', message: `Bibliography ${file} not found: pandoc and Quarto will not find it either.` };
    if (why === 'elsewhere') return { range, severity: DiagnosticSeverity.Information, source: SOURCE, code: 'bibliography-not-found', message: `Bibliography ${file} is not beside this file: LaTeX may find it through BIBINPUTS, but litnotes reads it only from the workspace or litnotes.bibliographyFiles.` };
    return { range, severity: DiagnosticSeverity.Information, source: SOURCE, code: 'bibliography-outside', message: `Bibliography ${file} is outside the workspace folders, so litnotes does not read it: name it in litnotes.bibliographyFiles (your user settings) to cite its entries here.` };
  });
}
