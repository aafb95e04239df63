import { CodeAction, CodeActionKind, Diagnostic, Range } from 'vscode-languageserver-types';
import { suggestKeys } from '../model/match';
import type { KeyAt } from './keyAt';
import type { Library, Paper } from '../model/library';
import { NOT_IN_BIBLIOGRAPHY, NotInBibliographyData, SAME_PAPER, SamePaperData, UNKNOWN_KEY, UnknownKeyData } from './diagnostics';
import type { Citation } from '../parse/citations';
import { newNoteEdit, noteTemplate } from './noteTemplate';
import { rangesOverlap } from '../util/text';
import type { ExportFormat } from './exportBibliography';

/**
 * Quick fixes for unknown keys: replace by each suggestion. They come from the diagnostics in the
 * request and from the key under the cursor, so they do not depend on the client sending a
 * diagnostic's `data` back.
 */
export function replaceKeyActions(library: Library, uri: string, diagnostics: Diagnostic[], at?: KeyAt): CodeAction[] {
  const out: CodeAction[] = [];
  const seen = new Set<string>();
  const add = (range: Range, suggestions: string[], diagnostic?: Diagnostic) => {
    suggestions.forEach((s, i) => {
      const id = `${range.start.line}:${range.start.character}:${s}`;
      if (seen.has(id)) return;
      seen.add(id);
      out.push({
        title: `Replace with "${s}"`,
        kind: CodeActionKind.QuickFix,
        diagnostics: diagnostic ? [diagnostic] : undefined,
        isPreferred: i === 0,
        edit: { changes: { [uri]: [{ range, newText: s }] } },
      });
    });
  };
  for (const d of diagnostics) {
    if (d.code !== UNKNOWN_KEY) continue;
    const data = d.data as UnknownKeyData | undefined;
    const suggestions = data?.suggestions ?? (data?.key ? suggestKeys(library, data.key) : []);
    add(d.range, suggestions, d);
  }
  if (at && !at.paper && !at.declaration) {
    const diagnostic = diagnostics.find((d) => d.code === UNKNOWN_KEY && sameRange(d.range, at.range));
    add(at.range, suggestKeys(library, at.key), diagnostic);
  }
  return out;
}

/**
 * For a citation the draft's bibliography lacks: cite it by the key the bibliography has it under,
 * when it has the paper so; and, for litnotes' own client, copy the paper's entry to add it to the
 * reference manager (Copy Reference…).
 */
export function notInBibliographyActions(uri: string, diagnostics: Diagnostic[], clientRunsCommands: boolean): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const data = d.data as NotInBibliographyData | undefined;
    if (d.code !== NOT_IN_BIBLIOGRAPHY || !data?.key) continue;
    if (data.use) out.push({ title: `Cite as "${data.use}" (the key your bibliography has)`, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: { [uri]: [{ range: d.range, newText: data.use }] } } });
    else if (clientRunsCommands && !out.some((a) => a.command?.arguments?.[0] === data.paperKey)) {
      out.push({ title: `Copy the reference of "${data.paperKey}" (to add it to your reference manager)…`, kind: CodeActionKind.QuickFix, diagnostics: [d], command: { title: 'Copy Reference…', command: 'litnotes.copyReference', arguments: [data.paperKey] } });
    }
  }
  return out;
}

/** For one paper cited under two keys: replace every citation of it in the document by the key to use. */
export function unifyKeyActions(uri: string, diagnostics: Diagnostic[], citations: readonly Citation[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const data = d.data as SamePaperData | undefined;
    if (d.code !== SAME_PAPER || !data?.key || !data.use) continue;
    const edits = citations.filter((c) => c.key === data.key).map((c) => ({ range: c.range, newText: data.use }));
    if (!edits.length || out.some((a) => a.title.includes(`"${data.key}"`))) continue;
    out.push({
      title: `Cite "${data.key}" as "${data.use}" throughout this document`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: edits } },
    });
  }
  return out;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** "Create literature note" for a paper that only a digest knows (a new file, never an overwrite). */
export function createNoteAction(library: Library, paper: Paper, newUri: string): CodeAction | undefined {
  if (paper.note) return undefined;
  return { title: `Create literature note for "${paper.key}"`, kind: CodeActionKind.RefactorRewrite, edit: newNoteEdit(newUri, noteTemplate(paper, library)) };
}

/** The format a bibliography file's name asks for: `.json` CSL JSON, `.yaml` CSL YAML, `.bib` BibTeX (which biber reads too). */
export function formatOfBibliographyName(name: string): ExportFormat | undefined {
  if (/\.json$/i.test(name)) return 'csl-json';
  if (/\.ya?ml$/i.test(name)) return 'csl-yaml';
  if (/\.bib$/i.test(name)) return 'bibtex';
  return undefined;
}

/** For a bibliography the draft names that does not exist: write it, with the papers the draft cites (a new file, never an overwrite). */
export function createBibliographyAction(newUri: string, name: string, text: string, count: number, diagnostic: Diagnostic): CodeAction {
  return {
    title: `Export the ${count} cited ${count === 1 ? 'paper' : 'papers'} to ${name}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: newNoteEdit(newUri, text),
  };
}

/** For a bibliography outside the workspace: the client's Add Bibliography File command, on its whole path. */
export function readOutsideBibliographyAction(file: string, diagnostic: Diagnostic): CodeAction {
  const title = `Read ${file} with Literature Notes (adds it to litnotes.bibliographyFiles in your user settings)`;
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: 'litnotes.addBibliographyFile', arguments: [[file]] } };
}

/**
 * For wikilinks to papers in a markdown draft (`[[key]]`, `[[key|label]]`, `[[key#part]]`): cite the
 * papers as pandoc citations, which pandoc and Quarto make references of (to them a wikilink is text):
 * the one at `range`, and every one in the document when there are several. `[[key|label]]` becomes
 * `label [@key]`. `keyFor` gives the key to write (the one the draft's bibliography has the paper under).
 */
export function wikilinkCitationActions(
  library: Library, uri: string, citations: readonly Citation[], range: Range, lineText: (line: number) => string | undefined, keyFor: (paper: Paper) => string,
): CodeAction[] {
  const edits: { range: Range; newText: string; here: boolean }[] = [];
  for (const c of citations) {
    if (c.syntax !== 'wikilink') continue;
    const paper = library.get(c.key);
    const line = paper && lineText(c.range.start.line);
    const link = line !== undefined && wikilinkAround(line, c.range.start.character);
    if (!paper || !link) continue;
    const cite = `[@${keyFor(paper)}]`;
    edits.push({
      range: { start: { line: c.range.start.line, character: link.start }, end: { line: c.range.start.line, character: link.end } },
      newText: link.label ? `${link.label} ${cite}` : cite,
      here: rangesOverlap(c.range, range),
    });
    if (edits.length >= MAX_WIKILINK_EDITS) break;
  }
  const out: CodeAction[] = [];
  const here = edits.find((e) => e.here);
  if (here) out.push({ title: `Cite as ${here.newText} (pandoc makes a reference of it; a wikilink is a link)`, kind: CodeActionKind.RefactorRewrite, edit: { changes: { [uri]: [{ range: here.range, newText: here.newText }] } } });
  if (here && edits.length > 1) out.push({ title: `Cite all ${edits.length} wikilinks to papers in this document as [@key]`, kind: CodeActionKind.RefactorRewrite, edit: { changes: { [uri]: edits.map(({ range: r, newText }) => ({ range: r, newText })) } } });
  return out;
}

/** The most wikilinks one action rewrites (a document of thousands is rewritten in parts). */
const MAX_WIKILINK_EDITS = 5000;

/** The whole `[[…]]` whose target starts at `at` on the line, and its label (`[[key|label]]`), if the line has it so. */
function wikilinkAround(line: string, at: number): { start: number; end: number; label?: string } | undefined {
  if (line.slice(at - 2, at) !== '[[') return undefined;
  const close = line.indexOf(']]', at);
  if (close < 0) return undefined;
  const inner = line.slice(at, close);
  const bar = inner.indexOf('|');
  const label = bar >= 0 ? inner.slice(bar + 1).trim() : '';
  return { start: at - 2, end: close + 2, label: label || undefined };
}
