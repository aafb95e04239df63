import type * as vscode from 'vscode';

/** Languages whose documents cite (Org also by its file name: without an Org extension it is plain text). */
const DRAFT_LANGUAGES = new Set(['markdown', 'quarto', 'rmd', 'latex', 'org']);

/** A document's language as citations go: `org` for an Org file. */
export const draftLanguage = (doc: vscode.TextDocument): string => (/\.org$/i.test(doc.fileName) ? 'org' : doc.languageId);

/** Whether a document is a draft that cites (the output channel is not, whatever its language). */
export const isDraft = (doc: vscode.TextDocument): boolean => doc.uri.scheme !== 'output' && DRAFT_LANGUAGES.has(draftLanguage(doc));
