import * as vscode from 'vscode';
import { orgCitationStyle, OrgCitationStyle } from './citationEdits';

/** Languages whose documents cite (Org also by its file name: without an Org extension it is plain text). */
export const DRAFT_LANGUAGES: readonly string[] = ['markdown', 'quarto', 'rmd', 'latex', 'org'];
const DRAFT_LANGUAGE_SET = new Set(DRAFT_LANGUAGES);

/** A document's language as citations go: `org` for an Org file. */
export const draftLanguage = (doc: vscode.TextDocument): string => (/\.org$/i.test(doc.fileName) ? 'org' : doc.languageId);

/** Whether a document is a draft that cites (the output channel is not, whatever its language). */
export const isDraft = (doc: vscode.TextDocument): boolean => doc.uri.scheme !== 'output' && DRAFT_LANGUAGE_SET.has(draftLanguage(doc));

/** How a document writes a citation: its language, the LaTeX command the user chose, and an Org draft's style. */
export interface CitationStyle { language: string; latexCommand: string; orgStyle?: OrgCitationStyle }

/** The citation style of `doc`, for Insert Citation (from the library or Zotero) and for papers dropped into it. */
export function citationStyleOf(doc: vscode.TextDocument): CitationStyle {
  const language = draftLanguage(doc);
  const latexCommand = vscode.workspace.getConfiguration('litnotes', doc.uri).get<string>('latex.citeCommand', '\\cite');
  return { language, latexCommand, orgStyle: language === 'org' ? orgCitationStyle(doc.getText()) : undefined };
}
